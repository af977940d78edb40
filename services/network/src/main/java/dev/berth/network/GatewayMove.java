package dev.berth.network;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.GatewayElection;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.PortMapping;
import dev.berth.network.nat.NatRules;
import dev.berth.network.ports.PortSpecs;
import dev.berth.network.store.NetworkStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Keeps a running container's default routes and published ports on the network Docker's daemon
 * elects its gateway ({@link GatewayElection}) when its networks change: as Docker's, connecting a
 * network that wins the election moves them there at once, and disconnecting the gateway network
 * moves them to the next winner rather than leaving the container without either until a
 * restart. Called under the network manager's lock.
 */
final class GatewayMove {
  private static final Logger LOG = Logger.getLogger(GatewayMove.class.getName());

  private final NetworkStore store;
  private final HostNetwork host;
  private final ContainerNetns netns;

  GatewayMove(NetworkStore store, HostNetwork host, ContainerNetns netns) {
    this.store = store;
    this.host = host;
    this.netns = netns;
  }

  /**
   * Elects the container's gateway again and moves routes and ports there if it changed. What
   * cannot be moved (a host port taken meanwhile, an IPv6 host address on a network without
   * IPv6) is logged and left out, as Docker's daemon logs it: the attach or detach that led here
   * has happened.
   *
   * @param carried the published ports of a gateway attachment just detached (released already)
   * @param carriedIpv6 whether that attachment had IPv6
   */
  void reelect(String namespace, String containerId, List<PortMapping> carried, boolean carriedIpv6) {
    List<AttachmentInfo> mine = store.attachments(namespace, containerId).stream()
        .filter(a -> a.mode() == Mode.BRIDGE && a.hasAddress()).toList();
    List<GatewayElection.Candidate> candidates = new ArrayList<>();
    for (AttachmentInfo a : mine) {
      boolean internal = store.network(a.network()).map(NetworkInfo::internal).orElse(true);
      candidates.add(new GatewayElection.Candidate(a.network(), internal, a.ipv6() != null));
    }
    Optional<AttachmentInfo> winner = GatewayElection.winner(candidates)
        .map(c -> mine.get(candidates.indexOf(c)));
    Optional<AttachmentInfo> holder = mine.stream().filter(AttachmentInfo::defaultRoute).findFirst();
    if (winner.isEmpty()) {
      if (!carried.isEmpty()) {
        LOG.warning(namespace + "/" + containerId + " has no network left to publish " + carried + " on");
      }
      return;
    }
    AttachmentInfo to = winner.get();
    boolean moves = holder.isPresent() && !holder.get().network().equals(to.network());
    if (!moves && holder.isPresent() && carried.isEmpty()) {
      return;
    }
    try {
      List<PortMapping> asked = new ArrayList<>(asked(carried, carriedIpv6));
      if (moves) {
        for (PortMapping p : holder.get().ports()) {
          host.release(p);
        }
        asked.addAll(asked(holder.get().ports(), holder.get().ipv6() != null));
      }
      List<PortMapping> ports = new ArrayList<>(to.ports());
      for (PortMapping p : asked) {
        try {
          ports.addAll(host.reserveTogether(PortSpecs.perFamily(p, to.ipv6() != null, to.network())));
        } catch (BerthException e) {
          LOG.warning("published port " + p + " of " + namespace + "/" + containerId + " not moved to "
              + to.network() + ": " + e.getMessage());
        }
      }
      netns.routeDefaultsThrough(Path.of(to.netns()), to.gateway(), to.ipv6());
      store.updateGateway(to.withGateway(true, ports));
      host.applyRules(NatRules.render(store.networks(), store.attachments()));
      LOG.info(namespace + "/" + containerId + " routes through " + to.network()
          + (moves ? " instead of " + holder.get().network() : ""));
    } catch (IOException e) {
      LOG.warning("moving the gateway of " + namespace + "/" + containerId + " to " + to.network() + ": "
          + e.getMessage());
    }
  }

  /**
   * The mappings that were asked for, from those bound: a port bound on 0.0.0.0 and {@code ::}
   * alike was asked for on every family, and so was one on 0.0.0.0 alone of a network without
   * IPv6, where an explicit 0.0.0.0 looks the same (the common {@code -p 8080:80} is taken).
   */
  static List<PortMapping> asked(List<PortMapping> bound, boolean hadIpv6) {
    Map<List<Object>, List<PortMapping>> byHostPort = new LinkedHashMap<>();
    for (PortMapping p : bound) {
      byHostPort.computeIfAbsent(List.of(p.hostPort(), p.containerPort(), p.protocol()), k -> new ArrayList<>())
          .add(p);
    }
    List<PortMapping> asked = new ArrayList<>();
    for (List<PortMapping> same : byHostPort.values()) {
      boolean any4 = same.stream().anyMatch(p -> PortMapping.ANY.equals(p.hostIp()));
      boolean any6 = same.stream().anyMatch(p -> Ipv6.ANY.equals(p.hostIp()));
      boolean everyFamily = any4 && (any6 || !hadIpv6);
      for (PortMapping p : same) {
        boolean any = PortMapping.ANY.equals(p.hostIp()) || Ipv6.ANY.equals(p.hostIp());
        if (!everyFamily || !any) {
          asked.add(p);
        } else if (PortMapping.ANY.equals(p.hostIp())) {
          asked.add(p.withHostIp(null));
        }
      }
    }
    return asked;
  }
}
