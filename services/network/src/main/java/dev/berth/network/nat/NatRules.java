package dev.berth.network.nat;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.PortMapping;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders Berth's whole nftables table from the networks and attachments in force, as one
 * batch that replaces the table atomically (create it empty so that the delete cannot fail,
 * delete it, write it anew). Nothing outside table {@code ip berth} is touched. With nothing
 * attached the batch just removes the table, so no rule of Berth's remains.
 *
 * <p>Forwarding between two of Berth's bridge networks is dropped, as Docker isolates its
 * networks; an internal network forwards nothing off its bridge. A network without
 * inter-container communication (ICC) has its bridge forward nothing between its ports, in table
 * {@code bridge berth}: frames between containers on one bridge never reach the {@code ip}
 * family's hooks; and, for packets the host routes between two subnets of such a network, in
 * and out of the same bridge, in the forward chains of both families. That table is only touched while such a network exists, so hosts without
 * nftables' bridge family are not asked for it otherwise. Table {@code ip6 berth} holds rules while
 * a network with IPv6 exists: the ports published on IPv6, masquerade of its IPv6 subnet, and the
 * same forward rules (by interface) as the {@code ip} table's, which IPv6 packets never pass
 * through; otherwise the batch removes it as it removes {@code ip berth}.
 *
 * <p>Rebuilding the table on every change keeps it a pure function of the stored state: the
 * same batch at start-up restores the rules after a restart, and a half-applied change cannot
 * exist. A table of a few hundred rules loads in about a millisecond.
 */
public final class NatRules {
  public static final String FAMILY = "ip";
  public static final String TABLE = "berth";
  public static final String BRIDGE_FAMILY = "bridge";
  public static final String IPV6_FAMILY = "ip6";

  /**
   * The packet mark bit that lets a connection to a published port, DNATed to a peer on a bridge
   * without ICC, through table {@code bridge berth}: with bridge-nf-call-iptables the kernel bridges
   * it from the client's port, and without nf_conntrack_bridge the bridge family cannot read its
   * conntrack status. Set in prerouting only on what will leave by the bridge it entered, and
   * cleared on both ways out of it, the bridge's forward hook (bridged) and the forward chain
   * (routed), so that no packet keeps it past Berth's rules: other users of the mark (Calico's
   * mask 0xffff0000 holds this bit) never see it.
   */
  static final String PUBLISHED_MARK = "0x00400000";

  /** Sets {@link #PUBLISHED_MARK} off, keeping the mark's other bits. */
  private static final String CLEAR_PUBLISHED_MARK = "meta mark set meta mark and "
      + String.format("0x%08x", ~Integer.decode(PUBLISHED_MARK));

  private NatRules() {}

  public static String render(Collection<NetworkInfo> networks, Collection<AttachmentInfo> attachments) {
    Map<String, List<AttachmentInfo>> attachedByNetwork = new LinkedHashMap<>();
    for (AttachmentInfo a : attachments) {
      if (a.mode() == Mode.BRIDGE && a.hasAddress()) {
        attachedByNetwork.computeIfAbsent(a.network(), n -> new ArrayList<>()).add(a);
      }
    }
    StringBuilder batch = new StringBuilder();
    if (networks.stream().anyMatch(n -> !n.icc())) {
      renderIsolatedPorts(batch, networks, attachedByNetwork);
    }
    List<NetworkInfo> inUse = networks.stream().filter(n -> attachedByNetwork.containsKey(n.name())).toList();
    renderIpv6(batch, networks.stream().anyMatch(NetworkInfo::ipv6) ? inUse : List.of(), attachedByNetwork);
    batch.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {}\n")
        .append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
    if (inUse.isEmpty()) {
      return batch.toString();
    }
    List<String> published = new ArrayList<>();
    List<String> postrouting = new ArrayList<>();
    for (NetworkInfo network : inUse) {
      String bridge = quote(network.bridge());
      boolean hasPorts = false;
      for (AttachmentInfo a : attachedByNetwork.get(network.name())) {
        for (PortMapping p : a.ports()) {
          if (p.hostIp().isIpv6()) {
            continue;
          }
          hasPorts = true;
          published.add((p.hostIp().isUnspecified() ? "" : "ip daddr " + p.hostIp() + " ")
              + p.protocol().lowerCase() + " dport " + p.hostPort()
              + " dnat to " + a.ip() + ":" + p.containerPort()
              + " comment " + quote(a.namespace() + "/" + a.containerId()));
        }
      }
      // one rule per subnet: a network may have several (Docker's --subnet given more than once)
      for (Ipv4Pool pool : network.pools()) {
        if (network.masquerade() && !network.internal()) {
          postrouting.add("ip saddr " + pool.subnet() + " oifname != " + bridge + " masquerade comment "
              + quote("network " + network.name()));
        }
        if (hasPorts) {
          // A container reaching a published port through the host's address: its answer must
          // come back through the host, not straight from the peer.
          postrouting.add("ip saddr " + pool.subnet() + " oifname " + bridge + " ct status dnat masquerade");
        }
      }
      if (hasPorts) {
        // Published ports reached at 127.0.0.1: the container cannot answer a loopback source.
        postrouting.add("ip saddr 127.0.0.0/8 oifname " + bridge + " masquerade");
      }
    }
    List<String> forward = forwardRules(inUse);
    batch.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
    if (!published.isEmpty()) {
      chain(batch, "prerouting", "type nat hook prerouting priority dstnat; policy accept;",
          List.of("fib daddr type local jump published"));
      chain(batch, "output", "type nat hook output priority -100; policy accept;",
          List.of("fib daddr type local jump published"));
      chain(batch, "published", null, published);
      markPublishedWithoutIcc(batch, inUse);
    }
    if (!postrouting.isEmpty()) {
      chain(batch, "postrouting", "type nat hook postrouting priority srcnat; policy accept;", postrouting);
    }
    if (!forward.isEmpty()) {
      chain(batch, "forward", "type filter hook forward priority filter; policy accept;", forward);
    }
    return batch.append("}\n").toString();
  }

  /**
   * What leaves or enters the bridges by interface, for both families: an internal network's
   * traffic stays on its bridge, a network without ICC routes nothing back into its own bridge,
   * and Docker's isolation, containers reach peers on their own network and the outside, never a
   * container on another of Berth's networks.
   */
  private static List<String> forwardRules(List<NetworkInfo> inUse) {
    List<String> forward = new ArrayList<>();
    for (NetworkInfo network : inUse) {
      String bridge = quote(network.bridge());
      if (network.internal()) {
        forward.add("iifname " + bridge + " oifname != " + bridge + " drop");
        forward.add("oifname " + bridge + " iifname != " + bridge + " drop");
      }
      if (!network.icc()) {
        // A published port reached through the gateway or the host's address, DNATed to a peer,
        // comes back out of the bridge too: Docker's userland proxy carries it, so it passes, its
        // replies with it (they share the connection's dnat status); routed, it leaves the mark here
        forward.add("iifname " + bridge + " oifname " + bridge + " ct status dnat " + CLEAR_PUBLISHED_MARK
            + " accept comment "
            + quote("published ports on network " + network.name()));
        // Between two subnets of one network the host routes: in and out of the same bridge,
        // where table bridge berth never sees it (Docker's -i BR -o BR -j DROP)
        forward.add("iifname " + bridge + " oifname " + bridge + " drop comment "
            + quote("no icc on network " + network.name()));
      }
    }
    for (NetworkInfo network : inUse) {
      String others = inUse.stream().filter(n -> n != network).map(n -> quote(n.bridge()))
          .collect(Collectors.joining(", "));
      if (!others.isEmpty()) {
        forward.add("iifname " + quote(network.bridge()) + " oifname { " + others + " } drop comment "
            + quote("isolate network " + network.name()));
      }
    }
    return forward;
  }

  /**
   * Marks what enters a bridge without ICC, was DNATed to a published port (or is a reply of such a
   * connection) and goes back out of that bridge, for table {@code bridge berth} to let through (see
   * {@link #PUBLISHED_MARK}); what goes to the host or out of another interface, replies to host
   * clients among them, is left unmarked.
   */
  private static void markPublishedWithoutIcc(StringBuilder batch, List<NetworkInfo> inUse) {
    List<String> marks = inUse.stream().filter(n -> !n.icc())
        .map(n -> "iifname " + quote(n.bridge()) + " ct status dnat fib daddr oifname " + quote(n.bridge())
            + " meta mark set meta mark or " + PUBLISHED_MARK
            + " comment " + quote("published ports on network " + n.name()))
        .toList();
    if (!marks.isEmpty()) {
      chain(batch, "mark-published", "type filter hook prerouting priority dstnat + 1; policy accept;", marks);
    }
  }

  /**
   * Table {@code ip6 berth}, anew: the ports published on IPv6 host addresses, masquerade of the
   * IPv6 subnets in use, and the forward rules; with none in use, just its removal, so that it goes
   * with the last network with IPv6. As for IPv4, a published port is DNATed where it arrives from
   * outside (prerouting) and where the host's own connections leave (output), except at
   * {@code ::1}: IPv6 has no route_localnet, the kernel drops loopback-sourced packets sent off the
   * host, so such a connection is left to the reservation's socket, which refuses it at once.
   */
  private static void renderIpv6(StringBuilder batch, List<NetworkInfo> inUse,
      Map<String, List<AttachmentInfo>> attachedByNetwork) {
    batch.append("table ").append(IPV6_FAMILY).append(' ').append(TABLE).append(" {}\n")
        .append("delete table ").append(IPV6_FAMILY).append(' ').append(TABLE).append('\n');
    List<String> published = new ArrayList<>();
    List<String> postrouting = new ArrayList<>();
    for (NetworkInfo network : inUse) {
      boolean hasPorts = false;
      for (AttachmentInfo a : network.ipv6() ? attachedByNetwork.get(network.name()) : List.<AttachmentInfo>of()) {
        for (PortMapping p : a.ports()) {
          if (p.hostIp().isIpv6() && a.ipv6() != null) {
            hasPorts = true;
            published.add((p.hostIp().isUnspecified() ? "" : "ip6 daddr " + p.hostIp() + " ")
                + p.protocol().lowerCase() + " dport " + p.hostPort()
                + " dnat to [" + a.ipv6().ip() + "]:" + p.containerPort()
                + " comment " + quote(a.namespace() + "/" + a.containerId()));
          }
        }
      }
      for (Ipv6Pool pool : network.pools6()) {
        if (network.masquerade() && !network.internal()) {
          postrouting.add("ip6 saddr " + pool.subnet() + " oifname != " + quote(network.bridge())
              + " masquerade comment " + quote("network " + network.name()));
        }
        if (hasPorts) {
          // hairpin: a container reaching a published port through the host's address, as for IPv4
          postrouting.add("ip6 saddr " + pool.subnet() + " oifname " + quote(network.bridge())
              + " ct status dnat masquerade");
        }
      }
    }
    List<String> forward = forwardRules(inUse);
    if (published.isEmpty() && postrouting.isEmpty() && forward.isEmpty()) {
      return;
    }
    batch.append("table ").append(IPV6_FAMILY).append(' ').append(TABLE).append(" {\n");
    if (!published.isEmpty()) {
      chain(batch, "prerouting", "type nat hook prerouting priority dstnat; policy accept;",
          List.of("fib daddr type local jump published"));
      chain(batch, "output", "type nat hook output priority -100; policy accept;",
          List.of("ip6 daddr != ::1 fib daddr type local jump published"));
      chain(batch, "published", null, published);
      markPublishedWithoutIcc(batch, inUse);
    }
    if (!postrouting.isEmpty()) {
      chain(batch, "postrouting", "type nat hook postrouting priority srcnat; policy accept;", postrouting);
    }
    if (!forward.isEmpty()) {
      chain(batch, "forward", "type filter hook forward priority filter; policy accept;", forward);
    }
    batch.append("}\n");
  }

  /**
   * Table {@code bridge berth}, anew: the bridge forwards nothing from the ports of a network without
   * ICC but connections to published ports.
   */
  private static void renderIsolatedPorts(StringBuilder batch, Collection<NetworkInfo> networks,
      Map<String, List<AttachmentInfo>> attachedByNetwork) {
    batch.append("table ").append(BRIDGE_FAMILY).append(' ').append(TABLE).append(" {}\n")
        .append("delete table ").append(BRIDGE_FAMILY).append(' ').append(TABLE).append('\n');
    List<String> forward = new ArrayList<>();
    for (NetworkInfo network : networks) {
      List<AttachmentInfo> attached = attachedByNetwork.getOrDefault(network.name(), List.of());
      if (!network.icc() && !attached.isEmpty()) {
        forward.add("iifname { " + attached.stream().map(a -> quote(a.hostInterface())).collect(Collectors.joining(", "))
            + " } drop comment " + quote("no icc on network " + network.name()));
      }
    }
    if (!forward.isEmpty()) {
      // With bridge-nf-call-iptables, a connection to a published port DNATed to a peer on the
      // same bridge is bridged from the client's port: it passes, as Docker's userland proxy
      // carries it, and so do its replies, bridged back once prerouting undid the masquerade
      forward.add(0, "meta mark & " + PUBLISHED_MARK + " == " + PUBLISHED_MARK + " " + CLEAR_PUBLISHED_MARK
          + " accept comment " + quote("published ports"));
      batch.append("table ").append(BRIDGE_FAMILY).append(' ').append(TABLE).append(" {\n");
      chain(batch, "forward", "type filter hook forward priority filter; policy accept;", forward);
      batch.append("}\n");
    }
  }

  private static void chain(StringBuilder batch, String name, String base, List<String> rules) {
    batch.append("\tchain ").append(name).append(" {\n");
    if (base != null) {
      batch.append("\t\t").append(base).append('\n');
    }
    for (String rule : rules) {
      batch.append("\t\t").append(rule).append('\n');
    }
    batch.append("\t}\n");
  }

  /** Names here are identifiers or interface names, which hold no quote or backslash. */
  private static String quote(String s) {
    return '"' + s + '"';
  }
}
