package dev.berth.network.dns;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the embedded resolver answers, as Docker's does on user-defined networks: each container's
 * name, network aliases and id (full and short) on each network, and the --link aliases a
 * container was given, to the containers of the same containerd namespace on the same network.
 * An immutable snapshot, replaced whole when attachments change, so that the resolver's thread
 * reads it without locks. Tables are kept per network, not per asker, so that memory grows with
 * the number of containers, not with its square.
 */
final class PeerNames {
  static final PeerNames EMPTY = new PeerNames(Map.of(), Map.of());

  /** One network's names and reverse names. */
  private record Table(String network, Map<String, List<Ipv4>> names, Map<Ipv4, String> pointers) {}

  /** What one container may ask about: its networks' tables and its links. */
  private record Asker(List<Table> tables, Map<String, List<Ipv4>> links) {}

  private final Map<String, Asker> askers;
  private final Map<String, Table> tables;

  private PeerNames(Map<String, Asker> askers, Map<String, Table> tables) {
    this.askers = askers;
    this.tables = tables;
  }

  static String key(String namespace, String containerId) {
    return namespace + "/" + containerId;
  }

  /** The names of {@code attachments} on the networks named in {@code userDefined}. */
  static PeerNames of(List<AttachmentInfo> attachments, Set<String> userDefined) {
    Map<String, Table> tables = new HashMap<>();
    for (AttachmentInfo a : attachments) {
      if (a.mode() != Mode.BRIDGE || !a.hasAddress() || !userDefined.contains(a.network())) {
        continue;
      }
      Table t = tables.computeIfAbsent(key(a.namespace(), a.network()),
          k -> new Table(a.network(), new HashMap<>(), new HashMap<>()));
      List<String> names = new ArrayList<>(a.aliases());
      names.add(a.containerId());
      names.add(a.containerId().substring(0, Math.min(12, a.containerId().length())));
      for (String name : names) {
        List<Ipv4> ips = t.names().computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>(1));
        if (!ips.contains(a.ip())) {
          ips.add(a.ip());
        }
      }
      // Docker answers a reverse query with the container's name qualified by the network's
      t.pointers().putIfAbsent(a.ip(), names.get(0) + "." + a.network());
    }
    Map<String, Asker> askers = new HashMap<>();
    for (AttachmentInfo a : attachments) {
      Table t = tables.get(key(a.namespace(), a.network()));
      if (t == null || a.mode() != Mode.BRIDGE) {
        continue;
      }
      Asker asker = askers.computeIfAbsent(key(a.namespace(), a.containerId()),
          k -> new Asker(new ArrayList<>(), new HashMap<>()));
      asker.tables().add(t);
      for (HostEntry e : a.extraHosts()) {
        Ipv4 ip = Ipv4.isValid(e.ip()) ? Ipv4.parse("address", e.ip()) : null;
        // a --link alias names a peer of this network; an --add-host line stays /etc/hosts' alone, as in Docker
        if (ip != null && t.pointers().containsKey(ip)) {
          asker.links().computeIfAbsent(e.name().toLowerCase(Locale.ROOT), n -> new ArrayList<>(1)).add(ip);
        }
      }
    }
    return new PeerNames(Map.copyOf(askers), Map.copyOf(tables));
  }

  /** The addresses {@code name} has for the asker, in no set order; empty if it knows none. */
  List<Ipv4> lookup(String asker, String name) {
    Asker a = askers.get(asker);
    if (a == null) {
      return List.of();
    }
    List<Ipv4> found = new ArrayList<>(a.links().getOrDefault(name, List.of()));
    for (Table t : a.tables()) {
      String local = name.endsWith("." + t.network()) ? name.substring(0, name.length() - t.network().length() - 1)
          : name;
      for (Ipv4 ip : t.names().getOrDefault(local, List.of())) {
        if (!found.contains(ip)) {
          found.add(ip);
        }
      }
    }
    return found;
  }

  /** The name {@code ip} has for the asker (name.network); null if none. */
  String pointer(String asker, Ipv4 ip) {
    Asker a = askers.get(asker);
    if (a == null) {
      return null;
    }
    for (Table t : a.tables()) {
      String name = t.pointers().get(ip);
      if (name != null) {
        return name;
      }
    }
    return null;
  }
}
