package dev.berth.ctl.container;

import berth.network.v1.PortMapping;
import dev.berth.api.labels.PortSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Docker 27's PORTS column, as its CLI's {@code DisplayablePorts} writes it. The ports are taken in
 * order of container port, host address, host port and protocol. A port published to the same
 * port number ({@code -p 8080:8080}) and an exposed port not published ({@code 443/tcp}) join the
 * consecutive ports of their address and protocol in one range ({@code 0.0.0.0:8080-8081->8080-8081/tcp},
 * {@code 8000-8002/tcp}), written address as is ({@code :::8080->8080/tcp} for {@code ::}); a
 * port published to another number is written alone, after all of those, its address as a host
 * and port ({@code [::]:9000->90/udp}).
 */
final class PortsColumn {
  private PortsColumn() {}

  /** One line of Docker's {@code types.Port}: {@code ip} empty for a port exposed and not published. */
  private record Port(String ip, int containerPort, int hostPort, String protocol) {}

  /**
   * @param exposed the container's exposed ports, {@code Config.ExposedPorts}'s keys ({@code 80/tcp}),
   *     the published ones among them too
   */
  static String of(List<PortMapping> ports, List<String> exposed) {
    List<Port> all = unpublished(ports, exposed);
    ports.forEach(p -> all.add(new Port(hostIp(p), p.getContainerPort(), p.getHostPort(), protocol(p))));
    // one method of this class's own: Comparator.comparing's chain spins a lambda class per link at every start
    all.sort(PortsColumn::compare);
    List<String> shown = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    // each group's current run, first and last port, kept in the order the groups were first met
    Map<String, int[]> runs = new LinkedHashMap<>();
    for (Port port : all) {
      if (!port.ip().isEmpty() && port.hostPort() != port.containerPort()) {
        elsewhere.add(hostAndPort(port.ip(), port.hostPort()) + "->" + port.containerPort() + "/" + port.protocol());
        continue;
      }
      String group = port.ip().isEmpty() ? port.protocol() : port.ip() + "/" + port.protocol();
      int[] run = runs.get(group);
      if (run != null && port.containerPort() == run[1] + 1) {
        run[1] = port.containerPort();
        continue;
      }
      if (run != null) {
        shown.add(written(group, run));
      }
      runs.put(group, new int[] {port.containerPort(), port.containerPort()});
    }
    runs.forEach((group, run) -> shown.add(written(group, run)));
    shown.addAll(elsewhere);
    return String.join(", ", shown);
  }

  /** The exposed ports no mapping publishes. */
  private static List<Port> unpublished(List<PortMapping> ports, List<String> exposed) {
    Set<String> published = new HashSet<>();
    ports.forEach(p -> published.add(p.getContainerPort() + "/" + protocol(p)));
    List<Port> open = new ArrayList<>();
    for (String key : exposed) {
      int slash = key.indexOf('/');
      String number = slash < 0 ? key : key.substring(0, slash);
      String protocol = slash < 0 ? PortSpec.TCP : key.substring(slash + 1);
      if (number.matches("\\d{1,5}") && !published.contains(number + "/" + protocol)) {
        open.add(new Port("", Integer.parseInt(number), 0, protocol));
      }
    }
    return open;
  }

  /**
   * A run of one group: {@code 8000-8002/tcp}, or for an address {@code 0.0.0.0:8080->8080/tcp}, the
   * address as Docker's CLI leaves it, without brackets ({@code :::8080->8080/tcp}).
   */
  private static String written(String group, int[] run) {
    int slash = group.lastIndexOf('/');
    String ports = run[0] == run[1] ? Integer.toString(run[0]) : run[0] + "-" + run[1];
    String protocol = group.substring(slash + 1);
    return slash < 0 ? ports + "/" + protocol
        : group.substring(0, slash) + ":" + ports + "->" + ports + "/" + protocol;
  }

  private static String hostAndPort(String ip, int port) {
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
  }

  private static int compare(Port a, Port b) {
    if (a.containerPort() != b.containerPort()) {
      return Integer.compare(a.containerPort(), b.containerPort());
    }
    int byAddress = a.ip().compareTo(b.ip());
    if (byAddress != 0) {
      return byAddress;
    }
    int byHostPort = Integer.compare(a.hostPort(), b.hostPort());
    return byHostPort != 0 ? byHostPort : a.protocol().compareTo(b.protocol());
  }

  private static String hostIp(PortMapping p) {
    return p.getHostIp().isEmpty() ? "0.0.0.0" : p.getHostIp();
  }

  private static String protocol(PortMapping p) {
    return p.getProtocol().isEmpty() ? "tcp" : p.getProtocol();
  }
}
