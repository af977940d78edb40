package dev.berth.network.files;

import dev.berth.api.network.Dns;
import dev.berth.network.dns.ExternalServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Reads the host's resolver configuration and writes a container's. */
public final class ResolvConf {
  /** The embedded resolver's address, as Docker's. */
  public static final String INTERNAL_NAMESERVER = "127.0.0.11";
  private static final String EXT_SERVERS = "# ExtServers: [";
  private static final String NDOTS_FROM = "# Option ndots from: ";

  private ResolvConf() {}

  /** What a resolv.conf that names the embedded resolver tells it. */
  public record Internal(List<ExternalServer> servers, boolean ndotsSet) {}

  /**
   * The nameserver, search (or domain) and options lines of {@code file}; nothing if it is absent.
   * A nameserver that is no address literal is skipped, as glibc skips it: looking it up would
   * need a resolver, and would block the embedded DNS server's thread.
   */
  public static Dns read(Path file) throws IOException {
    List<String> nameservers = new ArrayList<>();
    List<String> search = new ArrayList<>();
    List<String> options = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return Dns.NONE;
    }
    for (String line : lines) {
      String[] words = line.strip().split("\\s+");
      if (words.length < 2 || words[0].startsWith("#") || words[0].startsWith(";")) {
        continue;
      }
      List<String> values = Arrays.asList(words).subList(1, words.length);
      switch (words[0]) {
        case "nameserver" -> {
          if (isAddressLiteral(words[1])) {
            nameservers.add(words[1]);
          }
        }
        case "search", "domain" -> {
          search.clear();
          search.addAll(values);
        }
        case "options" -> options.addAll(values);
        default -> { }
      }
    }
    return new Dns(List.copyOf(nameservers), List.copyOf(search), List.copyOf(options));
  }

  /**
   * The host's resolvers as a container in its own namespace sees them: loopback resolvers
   * (a local stub such as systemd-resolved's 127.0.0.53) are unreachable from there, so they are
   * dropped, and {@code fallback} is used if none remains.
   */
  public static Dns forOwnNamespace(Dns host, List<String> fallback) {
    List<String> reachable = host.nameservers().stream()
        .filter(ns -> !ns.startsWith("127.") && !ns.equals("::1"))
        .toList();
    return new Dns(reachable.isEmpty() ? List.copyOf(fallback) : reachable, host.search(), host.options());
  }

  public static String render(Dns dns) {
    StringBuilder b = new StringBuilder();
    if (!dns.search().isEmpty()) {
      b.append("search ").append(String.join(" ", dns.search())).append('\n');
    }
    for (String ns : dns.nameservers()) {
      b.append("nameserver ").append(ns).append('\n');
    }
    if (!dns.options().isEmpty()) {
      b.append("options ").append(String.join(" ", dns.options())).append('\n');
    }
    return b.toString();
  }

  /**
   * A resolv.conf naming the embedded resolver, as Docker 27 writes it on a user-defined network:
   * 127.0.0.11 alone, the search list, the options with ndots:0 unless one is set, then comments
   * saying where it came from and which external servers the resolver forwards to. The host's
   * servers are those (loopback ones asked from berthd's namespace, {@code host(...)}), unless
   * {@code asked} names some; {@code fallback} if there are none.
   */
  public static String renderInternal(Path hostFile, Dns host, Dns asked, List<String> fallback) {
    List<ExternalServer> servers = new ArrayList<>();
    boolean usedDefaults = false;
    if (!asked.nameservers().isEmpty()) {
      asked.nameservers().forEach(ns -> servers.add(new ExternalServer(ns, false)));
    } else {
      host.nameservers().forEach(ns -> servers.add(new ExternalServer(ns, isLoopbackOrV6(ns))));
      if (servers.isEmpty()) {
        fallback.forEach(ns -> servers.add(new ExternalServer(ns, false)));
        usedDefaults = true;
      }
    }
    List<String> search = asked.search().isEmpty() ? host.search()
        : asked.search().stream().filter(s -> !s.equals(".")).toList();
    List<String> options = new ArrayList<>(asked.options().isEmpty() ? host.options() : asked.options());
    String ndotsFrom = options.stream().anyMatch(o -> o.startsWith("ndots:"))
        ? (asked.options().isEmpty() ? "host" : "override") : "internal";
    if (ndotsFrom.equals("internal")) {
      options.add("ndots:0");
    }
    List<String> overrides = new ArrayList<>();
    if (!asked.nameservers().isEmpty()) {
      overrides.add("nameservers");
    }
    if (!asked.search().isEmpty()) {
      overrides.add("search");
    }
    if (!asked.options().isEmpty()) {
      overrides.add("options");
    }
    StringBuilder b = new StringBuilder();
    b.append("nameserver ").append(INTERNAL_NAMESERVER).append('\n');
    if (!search.isEmpty()) {
      b.append("search ").append(String.join(" ", search)).append('\n');
    }
    b.append("options ").append(String.join(" ", options)).append('\n');
    b.append('\n');
    b.append("# Based on host file: '").append(hostFile).append("' (internal resolver)\n");
    if (usedDefaults) {
      b.append("# Used default nameservers.\n");
    }
    b.append(EXT_SERVERS).append(String.join(" ", servers.stream().map(ExternalServer::toString).toList()))
        .append("]\n");
    b.append("# Overrides: [").append(String.join(" ", overrides)).append("]\n");
    b.append(NDOTS_FROM).append(ndotsFrom).append('\n');
    return b.toString();
  }

  /** What a container's resolv.conf tells the embedded resolver; null if it does not name it. */
  public static Internal internal(String content) {
    List<String> lines = content.lines().toList();
    if (lines.stream().noneMatch(l -> l.strip().equals("nameserver " + INTERNAL_NAMESERVER))) {
      return null;
    }
    List<ExternalServer> servers = new ArrayList<>();
    boolean ndotsSet = false;
    for (String line : lines) {
      if (line.startsWith(EXT_SERVERS) && line.endsWith("]")) {
        String list = line.substring(EXT_SERVERS.length(), line.length() - 1).strip();
        if (!list.isEmpty()) {
          Arrays.stream(list.split(" ")).map(ExternalServer::parse).forEach(servers::add);
        }
      } else if (line.startsWith(NDOTS_FROM)) {
        ndotsSet = !line.substring(NDOTS_FROM.length()).equals("internal");
      }
    }
    return new Internal(List.copyOf(servers), ndotsSet);
  }

  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?");

  /** Whether {@code text} is an IPv4 or IPv6 address (with an optional zone), without any lookup. */
  static boolean isAddressLiteral(String text) {
    if (IPV4.matcher(text).matches()) {
      return true;
    }
    if (!IPV6.matcher(text).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(text); // parsed as an IPv6 literal: it has a colon, so no lookup happens
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Servers a container's namespace cannot reach: its loopback is its own, and it has no IPv6. */
  private static boolean isLoopbackOrV6(String address) {
    return address.startsWith("127.") || address.contains(":");
  }
}
