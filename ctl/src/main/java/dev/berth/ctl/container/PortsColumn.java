package dev.berth.ctl.container;

import berth.network.v1.PortMapping;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's PORTS column: {@code 0.0.0.0:8080->80/tcp, 0.0.0.0:5353->53/udp}, in order of address,
 * protocol and port, with a run of consecutive ports published to consecutive ports shown as one
 * range ({@code 0.0.0.0:8080-8081->80-81/tcp}), as {@code -p 8080-8081:80-81} was typed.
 */
final class PortsColumn {
  private PortsColumn() {}

  static String of(List<PortMapping> ports) {
    if (ports.isEmpty()) {
      return "";
    }
    List<PortMapping> sorted = new ArrayList<>(ports);
    // one method of this class's own: Comparator.comparing's chain spins a lambda class per link at every start
    sorted.sort(PortsColumn::compare);
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < sorted.size(); ) {
      PortMapping first = sorted.get(i);
      int last = i;
      while (last + 1 < sorted.size() && follows(sorted.get(last + 1), sorted.get(last))) {
        last++;
      }
      PortMapping end = sorted.get(last);
      shown.add(hostIp(first) + ":" + range(first.getHostPort(), end.getHostPort()) + "->"
          + range(first.getContainerPort(), end.getContainerPort()) + "/" + protocol(first));
      i = last + 1;
    }
    return String.join(", ", shown);
  }

  private static int compare(PortMapping a, PortMapping b) {
    int byAddress = hostIp(a).compareTo(hostIp(b));
    if (byAddress != 0) {
      return byAddress;
    }
    int byProtocol = protocol(a).compareTo(protocol(b));
    if (byProtocol != 0) {
      return byProtocol;
    }
    int byHostPort = Integer.compare(a.getHostPort(), b.getHostPort());
    return byHostPort != 0 ? byHostPort : Integer.compare(a.getContainerPort(), b.getContainerPort());
  }

  private static boolean follows(PortMapping next, PortMapping previous) {
    return hostIp(next).equals(hostIp(previous)) && protocol(next).equals(protocol(previous))
        && next.getHostPort() == previous.getHostPort() + 1 && next.getContainerPort() == previous.getContainerPort() + 1;
  }

  private static String range(int first, int last) {
    return first == last ? Integer.toString(first) : first + "-" + last;
  }

  private static String hostIp(PortMapping p) {
    return p.getHostIp().isEmpty() ? "0.0.0.0" : p.getHostIp();
  }

  private static String protocol(PortMapping p) {
    return p.getProtocol().isEmpty() ? "tcp" : p.getProtocol();
  }
}
