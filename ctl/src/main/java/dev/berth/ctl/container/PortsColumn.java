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
 * Docker's PORTS column: {@code 0.0.0.0:8080->80/tcp, 0.0.0.0:5353->53/udp}, in order of address,
 * protocol and port, with a run of consecutive ports published to consecutive ports shown as one
 * range ({@code 0.0.0.0:8080-8081->80-81/tcp}), as {@code -p 8080-8081:80-81} was typed. Ports
 * exposed but not published come first, as Docker's CLI puts them: {@code 443/tcp}, a run of
 * them as {@code 8000-8002/tcp}.
 */
final class PortsColumn {
  private PortsColumn() {}

  /**
   * @param exposed the container's exposed ports, {@code Config.ExposedPorts}'s keys ({@code 80/tcp}),
   *     the published ones among them too
   */
  static String of(List<PortMapping> ports, List<String> exposed) {
    List<String> shown = unpublished(ports, exposed);
    shown.addAll(published(ports));
    return String.join(", ", shown);
  }

  private static List<String> published(List<PortMapping> ports) {
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
      String ip = hostIp(first).contains(":") ? "[" + hostIp(first) + "]" : hostIp(first);
      shown.add(ip + ":" + range(first.getHostPort(), end.getHostPort()) + "->"
          + range(first.getContainerPort(), end.getContainerPort()) + "/" + protocol(first));
      i = last + 1;
    }
    return shown;
  }

  private record Exposed(int port, String protocol) {}

  /**
   * The exposed ports no mapping publishes, grouped as Docker's CLI groups them: in order of port,
   * a run of one protocol's consecutive ports as one range, each protocol's last run after the others.
   */
  private static List<String> unpublished(List<PortMapping> ports, List<String> exposed) {
    Set<String> published = new HashSet<>();
    ports.forEach(p -> published.add(p.getContainerPort() + "/" + protocol(p)));
    List<Exposed> open = new ArrayList<>();
    for (String key : exposed) {
      int slash = key.indexOf('/');
      String number = slash < 0 ? key : key.substring(0, slash);
      String protocol = slash < 0 ? PortSpec.TCP : key.substring(slash + 1);
      if (number.matches("\\d{1,5}") && !published.contains(number + "/" + protocol)) {
        open.add(new Exposed(Integer.parseInt(number), protocol));
      }
    }
    open.sort(PortsColumn::compare);
    List<String> shown = new ArrayList<>();
    // each protocol's current run, first and last port; kept in the order the protocols came
    Map<String, int[]> runs = new LinkedHashMap<>();
    for (Exposed e : open) {
      int[] run = runs.get(e.protocol());
      if (run != null && e.port() == run[1] + 1) {
        run[1] = e.port();
        continue;
      }
      if (run != null) {
        shown.add(range(run[0], run[1]) + "/" + e.protocol());
      }
      runs.put(e.protocol(), new int[] {e.port(), e.port()});
    }
    runs.forEach((protocol, run) -> shown.add(range(run[0], run[1]) + "/" + protocol));
    return shown;
  }

  private static int compare(Exposed a, Exposed b) {
    int byPort = Integer.compare(a.port(), b.port());
    return byPort != 0 ? byPort : a.protocol().compareTo(b.protocol());
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
