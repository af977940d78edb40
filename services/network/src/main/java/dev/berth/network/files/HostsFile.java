package dev.berth.network.files;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Builds a container's /etc/hosts: localhost entries, then the container's own, extra and peer lines. */
public final class HostsFile {
  private final List<String> lines = new ArrayList<>(List.of(
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "fe00::0\tip6-localnet",
      "ff00::0\tip6-mcastprefix",
      "ff02::1\tip6-allnodes",
      "ff02::2\tip6-allrouters"));

  /** A line for {@code address} with {@code names}, duplicates and empty names left out. */
  public HostsFile add(String address, List<String> names) {
    Set<String> unique = new LinkedHashSet<>();
    for (String n : names) {
      if (n != null && !n.isEmpty()) {
        unique.add(n);
      }
    }
    if (!unique.isEmpty()) {
      lines.add(address + "\t" + String.join(" ", unique));
    }
    return this;
  }

  public String render() {
    return String.join("\n", lines) + "\n";
  }
}
