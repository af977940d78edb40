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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

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

  @Parameters(index = "0", paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PRIVATE_PORT[/PROTO]",
      description = "only this container port (protocol tcp unless given)")
  String privatePort;

  /** A container port and protocol as the user wrote them ({@code 80}: tcp), matched as Docker's keys ({@code 80/tcp}). */
  private record ContainerPort(String number, String protocol) {
    boolean matches(PortMapping m) {
      return Integer.toString(m.getContainerPort()).equals(number) && m.getProtocol().equals(protocol);
    }
  }

  @Override
  public Integer call() {
    List<PortMapping> ports = new ArrayList<>();
    try (Connection c = root.connect()) {
      String id = ContainerArgument.id(c.channel(), container);
      AttachmentsGrpc.newBlockingStub(c.channel())
          .list(ListAttachmentsRequest.newBuilder().addFilters("container_id==\"" + id + "\"").build())
          .getAttachmentsList()
          .forEach(a -> ports.addAll(a.getPortMappingsList()));
    }
    ports.sort(ORDER);
    if (privatePort == null) {
      ports.forEach(p -> root.out().println(p.getContainerPort() + "/" + p.getProtocol() + " -> " + address(p)));
      return 0;
    }
    ContainerPort only = containerPort(privatePort);
    List<PortMapping> matching = ports.stream().filter(only::matches).toList();
    if (matching.isEmpty()) {
      // Docker's words, with the port as it was given
      throw new CommandFailure("Error: No public port '" + privatePort + "' published for " + container);
    }
    matching.forEach(p -> root.out().println(address(p)));
    return 0;
  }

  /** Docker's {@code net.JoinHostPort}: an IPv6 host IP in brackets, {@code [::]:8080}. */
  private static String address(PortMapping p) {
    String ip = p.getHostIp().contains(":") ? "[" + p.getHostIp() + "]" : p.getHostIp();
    return ip + ":" + p.getHostPort();
  }

  /**
   * {@code PORT[/PROTO]} as Docker's port command reads it, once it has found the container: any
   * protocol (only tcp and udp are ever published), the number as Go's {@code strconv.ParseUint}
   * reads a 16-bit one, refused in its words.
   */
  private static ContainerPort containerPort(String text) {
    int slash = text.indexOf('/');
    String number = slash < 0 ? text : text.substring(0, slash);
    String protocol = slash < 0 || slash == text.length() - 1 ? "tcp" : text.substring(slash + 1);
    if (!number.matches("[0-9]+")) {
      throw invalidPort(number, "invalid syntax");
    }
    if (number.length() > 5 || Integer.parseInt(number) > 65535) {
      throw invalidPort(number, "value out of range");
    }
    return new ContainerPort(number, protocol);
  }

  private static CommandFailure invalidPort(String number, String why) {
    return new CommandFailure("Error: invalid port (" + number + "): strconv.ParseUint: parsing \"" + number + "\": " + why);
  }
}
