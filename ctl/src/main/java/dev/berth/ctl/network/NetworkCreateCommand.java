package dev.berth.ctl.network;

import berth.network.v1.AddressPool;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import dev.berth.api.InvalidValueException;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.flags.PflagTypes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        "  berthctl network create web --subnet 10.89.0.0/16 --ip-range 10.89.5.0/24 --gateway 10.89.0.1",
        "  berthctl network create wide --subnet 10.30.0.0/24 --subnet 10.31.0.0/24 --gateway 10.31.0.254",
        "  berthctl network create backend --internal --opt com.docker.network.driver.mtu=1400 --label team=db",
        "  berthctl network create lab -o com.docker.network.bridge.name=br-lab --ip-masquerade=false",
        "  berthctl network create quiet -o com.docker.network.bridge.enable_icc=false"})
final class NetworkCreateCommand implements Callable<Integer> {
  /** Docker's networks that are there on every host, whose names no network create may take. */
  private static final Set<String> PREDEFINED = Set.of("bridge", "host", "none");
  /** The drivers Docker's daemon has built in; another name is a plugin it looks for and does not find. */
  private static final Set<String> DOCKER_DRIVERS = Set.of("bridge", "host", "null", "overlay", "macvlan", "ipvlan");

  @ParentCommand
  NetworkCommand network;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "the new network")
  String name;

  @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER", description = "bridge (the only one, and the default)")
  String driver;

  // lists, as Docker's are: a network may have several subnets, each with a range and a gateway
  @Option(names = "--subnet", paramLabel = "CIDR", description = "a subnet, e.g. 10.89.0.0/24, and with --ipv6 "
      + "IPv6 ones, e.g. fd00:db8:1::/64 (repeatable: containers get an address of the first with room)")
  List<String> subnets;

  @Option(names = "--ip-range", paramLabel = "CIDR",
      description = "the part of the subnet containers are given addresses from, e.g. 10.89.5.0/24 "
          + "(one per subnet; an --ip may still be anywhere in the subnet)")
  List<String> ipRanges;

  @Option(names = "--gateway", paramLabel = "IP", description = "the bridge's address in the subnet that holds it (one per subnet)")
  List<String> gateways;

  @Option(names = "--bridge", paramLabel = "DEV",
      description = "bridge device name (at most 15 characters); -o com.docker.network.bridge.name=DEV too")
  String bridge;

  @Option(names = "--internal", description = "no traffic in or out of the subnet, no published ports")
  boolean internal;

  @Option(names = "--ipv6", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      description = "IPv6 beside IPv4: containers also get an address from the IPv6 --subnet (default: a unique "
          + "local /64)")
  boolean ipv6;

  @Option(names = "--attachable", description = "accepted for Docker's sake: only meaningful for swarm overlay "
      + "networks; any container may connect to a bridge network anyway")
  boolean attachable;

  @Option(names = "--ipam-driver", paramLabel = "DRIVER", description = "default (the only one, and the default)")
  String ipamDriver;

  @Option(names = "--aux-address", paramLabel = "NAME=IP", description = "an address of a subnet given that "
      + "no container is given, IPv4 or IPv6 (repeatable)")
  Map<String, String> auxAddresses;

  @Option(names = "--ipam-opt", paramLabel = "KEY[=VALUE]", description = "an option of the address allocator "
      + "(repeatable; KEY alone: an empty value, as Docker's), kept and shown by network inspect under "
      + "IPAM.Options; as Docker's default IPAM driver, berthd's takes none into account")
  List<String> ipamOptions;

  @Option(names = "--scope", paramLabel = "SCOPE", description = "local (the only one, and the default)")
  String scope;

  @Option(names = "--ingress", description = "Docker's flag: refused, a swarm routing-mesh network needing a swarm")
  boolean ingress;

  @Option(names = "--config-only", description = "Docker's flag: refused, berthd keeping no configuration-only networks")
  boolean configOnly;

  @Option(names = "--config-from", paramLabel = "NETWORK", description = "Docker's flag: refused, there being no "
      + "configuration-only network to copy from")
  String configFrom;

  @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "a label (repeatable)")
  Map<String, String> labels;

  @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", description = "driver option (repeatable), Docker's: "
      + BridgeOptions.BRIDGE_NAME + "=DEV, " + BridgeOptions.MTU + "=N (or mtu=N), " + BridgeOptions.MASQUERADE
      + "=BOOL, " + BridgeOptions.ICC + "=BOOL (false: containers on the network cannot reach each other); "
      + "others are refused")
  Map<String, String> options;

  @Option(names = "--ip-masquerade", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
      description = "source NAT for traffic leaving the subnet (default true); -o " + BridgeOptions.MASQUERADE + " too")
  Boolean ipMasquerade;

  @Override
  public Integer call() {
    refuseSwarmAndConfigNetworks();
    Map<String, String> aux = auxAddresses == null ? Map.of() : auxAddresses;
    List<AddressPool> pools = IpamFlags.pools(orEmpty(subnets), orEmpty(ipRanges), orEmpty(gateways), aux);
    List<AddressPool> pools4 = pools.stream().filter(p -> !p.getSubnet().contains(":")).toList();
    List<AddressPool> pools6 = pools.stream().filter(p -> p.getSubnet().contains(":")).toList();
    if (!pools6.isEmpty() && !ipv6) {
      throw new CommandFailure("IPv6 subnet " + pools6.get(0).getSubnet() + " given without --ipv6: add --ipv6 to "
          + "give the network IPv6");
    }
    AddressPool first = pools4.isEmpty() ? AddressPool.getDefaultInstance() : pools4.get(0);
    AddressPool first6 = pools6.isEmpty() ? AddressPool.getDefaultInstance() : pools6.get(0);
    BridgeOptions opts;
    try {
      opts = BridgeOptions.parse(options == null ? Map.of() : options);
    } catch (InvalidValueException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String device = agreed("--bridge", bridge, BridgeOptions.BRIDGE_NAME, opts.bridge().isEmpty() ? null : opts.bridge());
    Boolean masquerade = agreed("--ip-masquerade", ipMasquerade, BridgeOptions.MASQUERADE, opts.masquerade());
    Network.Builder request = Network.newBuilder()
        .setName(name)
        .setDriver(driver == null ? "" : driver)
        .setSubnet(first.getSubnet())
        .setIpRange(first.getIpRange())
        .setGateway(first.getGateway())
        .setEnableIpv6(ipv6)
        .setIpv6Subnet(first6.getSubnet())
        .setIpv6Gateway(first6.getGateway())
        .setIpv6IpRange(first6.getIpRange())
        .addAllMorePools(pools4.stream().skip(1).toList())
        .addAllMorePools(pools6.stream().skip(1).toList())
        .putAllAuxAddresses(aux)
        .putAllIpamOptions(PflagTypes.mapOpts(ipamOptions))
        .setBridge(device == null ? "" : device)
        .setInternal(internal)
        .putAllLabels(labels == null ? Map.of() : labels)
        .setMtu(opts.mtu());
    if (masquerade != null) {
      request.setIpMasquerade(masquerade);
    }
    if (opts.icc() != null) {
      request.setIcc(opts.icc());
    }
    Network created;
    try (Connection c = network.root().connect()) {
      created = NetworksGrpc.newBlockingStub(c.channel())
          .create(CreateNetworkRequest.newBuilder().setNetwork(request).build()).getNetwork();
    } catch (StatusRuntimeException e) {
      throw refusal(e);
    }
    network.root().out().println(created.getId());
    return 0;
  }

  /**
   * A name taken, a subnet in use or malformed: what Docker's daemon refuses, so printed after its prefix as
   * Docker's CLI prints it; anything else as it came.
   */
  private static RuntimeException refusal(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String description = e.getStatus().getDescription();
    boolean dockersWords = code == Status.Code.INVALID_ARGUMENT && description != null
        && description.startsWith("invalid network config:");
    return code == Status.Code.ALREADY_EXISTS || code == Status.Code.FAILED_PRECONDITION || dockersWords
        ? new DaemonError(description, e) : e;
  }

  /**
   * What Docker's daemon refuses outside a swarm, or needs an IPAM plugin or a configuration-only
   * network for, none of which berthd has, in Docker's daemon's words where it has some.
   */
  private void refuseSwarmAndConfigNetworks() {
    if (PREDEFINED.contains(name)) {
      // Docker's daemon's words, trailing space and all
      throw new DaemonError("operation is not permitted on predefined " + name + " network ");
    }
    if (driver != null && !driver.isEmpty() && !DOCKER_DRIVERS.contains(driver)) {
      throw new DaemonError("plugin \"" + driver + "\" not found");
    }
    if ("host".equals(driver) || "null".equals(driver)) {
      throw new DaemonError("only one instance of \"" + driver + "\" network is allowed");
    }
    if (ipamDriver != null && !ipamDriver.equals("default")) {
      throw new DaemonError("plugin \"" + ipamDriver + "\" not found");
    }
    if (scope != null && !scope.isEmpty() && !scope.equals("local")) {
      throw new DaemonError(scope.equals("swarm") ? "cannot create a swarm scoped network when swarm is not active"
          : "scope " + scope + " is not supported: berthd's networks are local to this host");
    }
    if (ingress) {
      throw new DaemonError("Ingress network can only be global scope network");
    }
    if (configFrom != null) {
      // none can exist, --config-only being refused
      throw new DaemonError("configuration network \"" + configFrom + "\" not found");
    }
    if (configOnly) {
      throw new CommandFailure("--config-only is not supported: berthd keeps no configuration-only networks "
          + "(give the subnet, range and gateway to each network instead)");
    }
  }

  private static List<String> orEmpty(List<String> values) {
    return values == null ? List.of() : values;
  }

  /** What a flag and the option of the same meaning ask for, either given, or both alike. */
  private <T> T agreed(String flag, T fromFlag, String option, T fromOption) {
    if (fromFlag != null && fromOption != null && !fromFlag.equals(fromOption)) {
      throw new ParameterException(spec.commandLine(),
          flag + " " + fromFlag + " and option " + option + "=" + fromOption + " disagree");
    }
    return fromFlag != null ? fromFlag : fromOption;
  }
}
