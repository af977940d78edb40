package dev.berth.network;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.GatewayElection;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.PortMapping;
import dev.berth.network.nat.NatRules;
import dev.berth.network.ports.PortSpecs;
import dev.berth.network.store.NetworkStore;
import io.grpc.Status;
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
 * restart. The ports published are those the container asked for ({@link NetworkStore#requestedPorts}),
 * as Docker's daemon takes them from the container's settings each time, so that a port one
 * gateway could not take comes back with the next, beside the new gateway's own (an Attachments
 * API client may give ports with a later attach). Called under the network manager's lock.
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
   * Elects the container's gateway again and moves routes and ports there if it changed. The new
   * gateway's ports are reserved before the old ones go (a mapping both publish on the same host
   * address and port stays bound), and the store is updated before the kernel, so that a crash
   * leaves the store to say what {@link #reconcile} puts back in force.
   *
   * @param connected the network just connected, which fails (nothing moved, the old gateway's
   *     routes and ports in force) if it wins and cannot publish a requested port or take the
   *     routes, as Docker's daemon fails it; null after the gateway network was disconnected (which
   *     has happened), when what cannot be moved is logged and left out
   */
  void reelect(String namespace, String containerId, String connected) {
    boolean strict = connected != null;
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
    List<PortMapping> requested = store.requestedPorts(namespace, containerId).orElse(List.of());
    if (winner.isEmpty()) {
      if (!requested.isEmpty()) {
        LOG.warning(namespace + "/" + containerId + " has no network left to publish " + requested + " on");
      }
      return;
    }
    AttachmentInfo to = winner.get();
    boolean stays = holder.isPresent() && holder.get().network().equals(to.network());
    // the gateway is the same: its ports are as the last move left them, whatever it could not take.
    // Only a network just connected to a container that had no gateway took the route, not the ports.
    if (stays && (!to.network().equals(connected) || requested.isEmpty())) {
      return;
    }
    Optional<AttachmentInfo> from = stays ? Optional.empty() : holder;
    List<PortMapping> held = new ArrayList<>(from.map(AttachmentInfo::ports).orElse(List.of()));
    List<PortMapping> reserved = new ArrayList<>();
    // its own, bound when an Attachments API client attached it with ports
    List<PortMapping> ports = new ArrayList<>(to.ports());
    for (PortMapping asked : requested) {
      try {
        ports.addAll(publish(asked, to, held, ports, reserved));
      } catch (BerthException | IOException e) {
        if (strict) {
          releaseAll(reserved);
          BerthException cause = e instanceof BerthException b ? b : Errors.internal(e, "%s", e.getMessage());
          // Docker's daemon's words, then which port and why
          throw Errors.fromStatus(Status.fromCode(cause.code()).withDescription(String.format(
              "driver failed programming external connectivity on endpoint %s (%s): %s", containerId,
              to.network(), cause.getMessage())).asRuntimeException());
        }
        LOG.warning("published port " + asked + " of " + namespace + "/" + containerId + " not moved to "
            + to.network() + ": " + e.getMessage());
      }
    }
    try {
      store.updateGateway(to.withGateway(true, ports), from.map(h -> h.withGateway(false, List.of())));
    } catch (RuntimeException e) {
      releaseAll(reserved);
      throw e;
    }
    try {
      netns.routeDefaultsThrough(Path.of(to.netns()), to.gateway(), to.ipv6());
      host.applyRules(NatRules.render(store.networks(), store.attachments()));
    } catch (IOException e) {
      if (strict) {
        putBack(to, from, reserved);
        throw Errors.internal(e, "moving the default routes of %s to %s: %s", containerId, to.network(),
            e.getMessage());
      }
      // the store says where routes and ports belong; berthd's next start puts them there
      LOG.warning("moving the gateway of " + namespace + "/" + containerId + " to " + to.network() + ": "
          + e.getMessage() + "; the next start of berthd completes it");
    }
    // recorded: what the old gateway bound and the new one does not take is no one's now
    releaseAll(held);
    LOG.info(namespace + "/" + containerId + " routes through " + to.network()
        + (from.isPresent() ? " instead of " + from.get().network() : ""));
  }

  /**
   * Undoes a connect's move that the kernel refused: the store names the old gateway with its
   * ports again, the new one's reservations go, and routes and rules follow the store.
   */
  private void putBack(AttachmentInfo to, Optional<AttachmentInfo> from, List<PortMapping> reserved) {
    // first: whatever else fails, the ports reserved for the new gateway are no one's
    releaseAll(reserved);
    try {
      if (from.isPresent()) {
        store.updateGateway(from.get(), Optional.of(to));
      } else {
        store.updateGateway(to, Optional.empty());
      }
    } catch (RuntimeException e) {
      LOG.warning("recording the gateway of " + to.namespace() + "/" + to.containerId() + " back: "
          + e.getMessage());
    }
    try {
      if (from.isPresent()) {
        netns.routeDefaultsThrough(Path.of(from.get().netns()), from.get().gateway(), from.get().ipv6());
      }
      host.applyRules(NatRules.render(store.networks(), store.attachments()));
    } catch (IOException e) {
      LOG.warning("putting the gateway of " + to.namespace() + "/" + to.containerId() + " back: " + e.getMessage()
          + "; the next start of berthd completes it");
    }
  }

  /**
   * What {@code asked} publishes on {@code to} beside what it publishes already ({@code published}):
   * each family's mapping that the old gateway bound already ({@code held}) is taken from there, the
   * others are reserved (and added to {@code reserved}). A mapping asked with host port 0 keeps the
   * port the old gateway picked.
   */
  private List<PortMapping> publish(PortMapping asked, AttachmentInfo to, List<PortMapping> held,
      List<PortMapping> published, List<PortMapping> reserved) throws IOException {
    int port = asked.hostPort() != 0 ? asked.hostPort() : held.stream().filter(h -> sameRequest(asked, h))
        .mapToInt(PortMapping::hostPort).findFirst().orElse(0);
    List<PortMapping> targets = PortSpecs.perFamily(asked.withHostPort(port), to.ipv6() != null, to.network())
        .stream().filter(t -> !published.contains(t)).toList();
    List<PortMapping> kept = targets.stream().filter(held::contains).toList();
    List<PortMapping> fresh = targets.stream().filter(t -> !held.contains(t)).toList();
    List<PortMapping> bound = fresh.isEmpty() ? List.of() : host.reserveTogether(fresh);
    reserved.addAll(bound);
    held.removeAll(kept);
    List<PortMapping> added = new ArrayList<>(kept);
    added.addAll(bound);
    return added;
  }

  /** Whether {@code bound} is what {@code asked} (a host port 0 among them) was bound to. */
  private static boolean sameRequest(PortMapping asked, PortMapping bound) {
    boolean ip = asked.hostIp() == null
        ? PortMapping.ANY.equals(bound.hostIp()) || Ipv6.ANY.equals(bound.hostIp())
        : asked.hostIp().equals(bound.hostIp());
    return ip && asked.containerPort() == bound.containerPort() && asked.protocol() == bound.protocol()
        && (asked.hostPort() == 0 || asked.hostPort() == bound.hostPort());
  }

  private void releaseAll(List<PortMapping> mappings) {
    for (PortMapping p : mappings) {
      try {
        host.release(p);
      } catch (IOException e) {
        LOG.warning("releasing published port " + p + ": " + e.getMessage());
      }
    }
  }

  /**
   * At berthd's start: each container's default routes go through the gateway the store names, as
   * a move that a crash interrupted had recorded it.
   */
  void reconcile(List<AttachmentInfo> attachments) {
    for (AttachmentInfo a : attachments) {
      if (a.mode() != Mode.BRIDGE || !a.defaultRoute() || !a.hasAddress()) {
        continue;
      }
      try {
        netns.routeDefaultsThrough(Path.of(a.netns()), a.gateway(), a.ipv6());
      } catch (IOException e) {
        LOG.warning("routing " + a.namespace() + "/" + a.containerId() + " through " + a.network() + ": "
            + e.getMessage());
      }
    }
  }

  /**
   * The mappings that were asked for, from those bound, for a container whose requested ports an
   * older berthd did not keep: a port bound on 0.0.0.0 and {@code ::} alike was asked for on every
   * family, and so was one on 0.0.0.0 alone of a network without IPv6, where an explicit 0.0.0.0
   * looks the same (the common {@code -p 8080:80} is taken).
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
