package dev.berth.ctl.network;

import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import dev.berth.ctl.Connection;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code berthctl network create}: a user-defined bridge network. */
@Command(name = "create",
    description = "Create a bridge network and print its id. Left out, the subnet is a private one no "
        + "other network or host route uses, the gateway its first address, the bridge br-<hash>.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl network create web",
        "  berthctl network create web --subnet 10.89.0.0/24 --gateway 10.89.0.1",
        "  berthctl network create backend --internal --opt mtu=1400 --label team=db",
        "  berthctl network create lab --ip-masquerade=false"})
final class NetworkCreateCommand implements Callable<Integer> {
  private static final String MTU = "mtu";

  @ParentCommand
  NetworkCommand network;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the new network")
  String name;

  @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER", description = "bridge (the only one, and the default)")
  String driver;

  @Option(names = "--subnet", paramLabel = "CIDR", description = "IPv4 subnet, e.g. 10.89.0.0/24")
  String subnet;

  @Option(names = "--gateway", paramLabel = "IP", description = "the bridge's address in the subnet")
  String gateway;

  @Option(names = "--bridge", paramLabel = "DEV", description = "bridge device name (at most 15 characters)")
  String bridge;

  @Option(names = "--internal", description = "no traffic in or out of the subnet, no published ports")
  boolean internal;

  @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "a label (repeatable)")
  Map<String, String> labels;

  @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", description = "driver option (repeatable): mtu=N")
  Map<String, String> options;

  @Option(names = "--ip-masquerade", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      description = "source NAT for traffic leaving the subnet (default true)")
  Boolean ipMasquerade;

  @Override
  public Integer call() {
    Network.Builder request = Network.newBuilder()
        .setName(name)
        .setDriver(driver == null ? "" : driver)
        .setSubnet(subnet == null ? "" : subnet)
        .setGateway(gateway == null ? "" : gateway)
        .setBridge(bridge == null ? "" : bridge)
        .setInternal(internal)
        .putAllLabels(labels == null ? Map.of() : labels)
        .setMtu(mtu());
    if (ipMasquerade != null) {
      request.setIpMasquerade(ipMasquerade);
    }
    Network created;
    try (Connection c = network.root().connect()) {
      created = NetworksGrpc.newBlockingStub(c.channel())
          .create(CreateNetworkRequest.newBuilder().setNetwork(request).build()).getNetwork();
    }
    network.root().out().println(created.getId());
    return 0;
  }

  /** The {@code mtu} option; 0 (the service's default) when not given. */
  private int mtu() {
    if (options == null) {
      return 0;
    }
    for (String key : options.keySet()) {
      if (!key.equals(MTU)) {
        throw new ParameterException(spec.commandLine(), "unknown network option " + key + " (known: " + MTU + ")");
      }
    }
    String value = options.get(MTU);
    if (value == null) {
      return 0;
    }
    // the service checks the range; 0 would silently mean its default
    if (!value.matches("[1-9][0-9]{0,8}")) {
      throw new ParameterException(spec.commandLine(), "option " + MTU + ": " + value + " is not a positive number");
    }
    return Integer.parseInt(value);
  }
}
