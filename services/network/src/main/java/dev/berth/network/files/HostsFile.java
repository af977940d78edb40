package dev.berth.network.files;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Builds a container's /etc/hosts: localhost entries, then the lines added, in order. */
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

  /**
   * The names of a container's own line, as Docker writes them: {@code FQDN HOSTNAME} when the
   * host name with its domain has a dot ({@code --hostname h --domainname example.com}, or
   * {@code --hostname h.example.com}), else {@code HOSTNAME}.
   */
  public static List<String> ownNames(String hostname, String domainname) {
    String fqdn = domainname.isEmpty() ? hostname : hostname + "." + domainname;
    int dot = fqdn.indexOf('.');
    return dot < 0 ? List.of(fqdn) : List.of(fqdn, fqdn.substring(0, dot));
  }

  public String render() {
    return String.join("\n", lines) + "\n";
  }
}
