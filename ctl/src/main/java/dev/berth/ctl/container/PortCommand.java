package dev.berth.ctl.container;

import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.PortMapping;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code berthctl port}: the ports a container publishes on the host. */
@Command(name = "port",
    description = "List a container's published ports as CONTAINER_PORT/PROTO -> HOST_IP:HOST_PORT, or "
        + "the host addresses of one container port.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl port 3f9a2c", "  berthctl port 3f9a2c 80/tcp"})
public final class PortCommand implements Callable<Integer> {
  private static final Comparator<PortMapping> ORDER = Comparator.comparingInt(PortMapping::getContainerPort)
      .thenComparing(PortMapping::getProtocol)
      .thenComparing(PortMapping::getHostIp)
      .thenComparingInt(PortMapping::getHostPort);

  @ParentCommand
  BerthCtl root;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PRIVATE_PORT[/PROTO]",
      description = "only this container port (protocol tcp unless given)")
  String privatePort;

  /** A container port and protocol, as {@code 80/tcp}. */
  private record ContainerPort(int port, String protocol) {
    boolean matches(PortMapping m) {
      return m.getContainerPort() == port && m.getProtocol().equals(protocol);
    }

    @Override
    public String toString() {
      return port + "/" + protocol;
    }
  }

  @Override
  public Integer call() {
    ContainerPort only = privatePort == null ? null : containerPort(privatePort);
    List<PortMapping> ports = new ArrayList<>();
    try (Connection c = root.connect()) {
      String id = ContainerArgument.id(c.channel(), container);
      AttachmentsGrpc.newBlockingStub(c.channel())
          .list(ListAttachmentsRequest.newBuilder().addFilters("container_id==\"" + id + "\"").build())
          .getAttachmentsList()
          .forEach(a -> ports.addAll(a.getPortMappingsList()));
    }
    ports.sort(ORDER);
    if (only == null) {
      ports.forEach(p -> root.out().println(p.getContainerPort() + "/" + p.getProtocol() + " -> " + address(p)));
      return 0;
    }
    List<PortMapping> matching = ports.stream().filter(only::matches).toList();
    if (matching.isEmpty()) {
      throw new CommandFailure("No public port '" + only + "' published for " + container);
    }
    matching.forEach(p -> root.out().println(address(p)));
    return 0;
  }

  private static String address(PortMapping p) {
    return p.getHostIp() + ":" + p.getHostPort();
  }

  private ContainerPort containerPort(String text) {
    int slash = text.indexOf('/');
    String number = slash < 0 ? text : text.substring(0, slash);
    String protocol = slash < 0 ? "tcp" : text.substring(slash + 1);
    if (!number.matches("[1-9][0-9]{0,4}") || Integer.parseInt(number) > 65535
        || !(protocol.equals("tcp") || protocol.equals("udp"))) {
      throw new ParameterException(spec.commandLine(),
          "invalid port " + text + ": expected PORT or PORT/tcp or PORT/udp, PORT 1-65535");
    }
    return new ContainerPort(Integer.parseInt(number), protocol);
  }
}
