package dev.berth.network.dns;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the embedded resolver answers, as Docker's does on user-defined networks: each container's
 * name, network aliases, id (full and short) and host name on each network, with its IPv4 and IPv6 addresses, and the --link aliases a
 * container was given, to the containers of the same containerd namespace on the same network.
 * An immutable snapshot, replaced whole when attachments change, so that the resolver's thread
 * reads it without locks. Tables are kept per network, not per asker, so that memory grows with
 * the number of containers, not with its square.
 */
final class PeerNames {
  static final PeerNames EMPTY = new PeerNames(Map.of(), Map.of());
  /** How a link's record names the linked container: the 12 hex digits of a Docker-style id. */
  private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{12}");

  /**
   * One container on one network: its addresses ({@code ip6} null on a network without IPv6) and
   * the name reverse queries for them get.
   */
  record Peer(Ipv4 ip, Ipv6 ip6, String pointer) {}

  /**
   * One network's names, its peers by address (either family's, as text), by their containers'
   * own names (lower case), which are unique in a namespace where aliases need not be, and by
   * their short ids.
   */
  private record Table(String network, Map<String, List<Peer>> names, Map<String, Peer> byAddress,
      Map<String, Peer> byOwnName, Map<String, Peer> byShortId) {}

  /** What one container may ask about: its networks' tables and its links. */
  private record Asker(List<Table> tables, Map<String, List<Peer>> links) {}

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
          k -> new Table(a.network(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>()));
      List<String> names = new ArrayList<>(a.aliases());
      names.add(a.containerId());
      names.add(shortId(a.containerId()));
      // Docker 27 registers Config.Hostname among an endpoint's DNS names too
      if (!a.hostname().isEmpty()) {
        names.add(a.hostname());
      }
      // Docker answers a reverse query with the container's name qualified by the network's
      Peer peer = new Peer(a.ip(), a.ipv6() == null ? null : a.ipv6().ip(), names.get(0) + "." + a.network());
      for (String name : names) {
        List<Peer> peers = t.names().computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>(1));
        if (!peers.contains(peer)) {
          peers.add(peer);
        }
      }
      t.byOwnName().putIfAbsent(names.get(0).toLowerCase(Locale.ROOT), peer);
      t.byShortId().putIfAbsent(shortId(a.containerId()), peer);
      t.byAddress().putIfAbsent(peer.ip().toString(), peer);
      if (peer.ip6() != null) {
        t.byAddress().putIfAbsent(peer.ip6().toString(), peer);
      }
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
        Peer peer = linked(t, a.extraHosts(), e.ip());
        List<Peer> peers = peer == null ? null
            : asker.links().computeIfAbsent(e.name().toLowerCase(Locale.ROOT), n -> new ArrayList<>(1));
        if (peers != null && !peers.contains(peer)) {
          peers.add(peer);
        }
      }
    }
    return new PeerNames(Map.copyOf(askers), Map.copyOf(tables));
  }

  /**
   * The peer that the /etc/hosts lines at {@code ip} in {@code hosts} stand for now; null if none.
   * A --link writes its alias, the linked container's name and, last, its short id at the address
   * that container had then (after any --add-host line), so the alias follows that container, by
   * its id, to its current address on this network and across a rename, as Docker's does, and
   * stops once it is gone: neither a container that took the old address nor one that took the
   * old name is ever the answer. Only that last entry is taken as an id: an alias or a name that
   * looks like one (12 hex digits) is none. Links recorded before the id was written follow the
   * container of that name. An --add-host line naming no container stays /etc/hosts' alone, as in
   * Docker.
   */
  private static Peer linked(Table t, List<HostEntry> hosts, String ip) {
    List<HostEntry> atIp = hosts.stream().filter(h -> h.ip().equals(ip)).toList();
    String last = atIp.get(atIp.size() - 1).name();
    if (SHORT_ID.matcher(last).matches()) {
      return t.byShortId().get(last);
    }
    for (HostEntry h : atIp) {
      Peer peer = t.byOwnName().get(h.name().toLowerCase(Locale.ROOT));
      if (peer != null) {
        return peer;
      }
    }
    return null;
  }

  private static String shortId(String containerId) {
    return containerId.substring(0, Math.min(12, containerId.length()));
  }

  /** The peers {@code name} stands for to the asker, in no set order; empty if it knows none. */
  List<Peer> lookup(String asker, String name) {
    Asker a = askers.get(asker);
    if (a == null) {
      return List.of();
    }
    List<Peer> linked = a.links().get(name);
    if (linked != null) {
      // Docker's resolver answers a link alias before, and instead of, any container's name
      return List.copyOf(linked);
    }
    List<Peer> found = new ArrayList<>();
    for (Table t : a.tables()) {
      String local = name.endsWith("." + t.network()) ? name.substring(0, name.length() - t.network().length() - 1)
          : name;
      for (Peer peer : t.names().getOrDefault(local, List.of())) {
        if (!found.contains(peer)) {
          found.add(peer);
        }
      }
    }
    return found;
  }

  /** The name {@code address} (an Ipv4's or Ipv6's text) has for the asker (name.network); null if none. */
  String pointer(String asker, String address) {
    Asker a = askers.get(asker);
    if (a == null) {
      return null;
    }
    for (Table t : a.tables()) {
      Peer peer = t.byAddress().get(address);
      if (peer != null) {
        return peer.pointer();
      }
    }
    return null;
  }
}
