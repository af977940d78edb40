package dev.berth.network.files;

import dev.berth.api.network.Dns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the host's resolver configuration and writes a container's. */
public final class ResolvConf {
  private ResolvConf() {}

  /** The nameserver, search (or domain) and options lines of {@code file}; nothing if it is absent. */
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
        case "nameserver" -> nameservers.add(words[1]);
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
}
