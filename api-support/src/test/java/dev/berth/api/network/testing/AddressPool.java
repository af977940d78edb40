package dev.berth.api.network.testing;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.Subnet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The IPv4 addresses of one network, handed out as the kernel manager's allocator does: the one
 * asked for, checked in the pool whose subnet holds it, or the next free host address of the
 * first pool with room (its range, or its subnet) after the last one handed out, wrapping around
 * in that pool. No pool's gateway nor any auxiliary address is ever given.
 */
final class AddressPool {
  private final NetworkInfo network;
  private final Set<Ipv4> leased = new HashSet<>();
  private Ipv4 last;

  AddressPool(NetworkInfo network) {
    this.network = network;
    // held from the network's creation, as Docker's allocator holds them
    network.auxAddresses().values().stream().filter(Ipv4::isValid).map(a -> Ipv4.parse("auxiliary address", a))
        .forEach(leased::add);
  }

  /** The address, and the pool it is of, whose subnet and gateway the container routes through. */
  record Lease(Ipv4 ip, Ipv4Pool pool) {}

  Lease lease(Ipv4 requested) {
    Lease lease = requested != null ? checked(requested) : next();
    leased.add(lease.ip());
    last = lease.ip();
    return lease;
  }

  void release(Ipv4 ip) {
    leased.remove(ip);
  }

  /** The pool whose subnet holds {@code ip}, the first when none does (which then refuses it). */
  Ipv4Pool poolOf(Ipv4 ip) {
    List<Ipv4Pool> pools = network.pools();
    return pools.stream().filter(p -> p.subnet().contains(ip)).findFirst().orElse(pools.get(0));
  }

  private Lease checked(Ipv4 ip) {
    Ipv4Pool pool = poolOf(ip);
    if (!pool.subnet().isHost(ip)) {
      throw Errors.invalidArgument(
          "invalid endpoint settings:\nno configured subnet or ip-range contain the IP address %s", ip);
    }
    // the kernel manager's words
    if (ip.equals(pool.gateway())) {
      throw Errors.invalidArgument("Address already in use (%s is the gateway of network %s)", ip, network.name());
    }
    if (leased.contains(ip)) {
      throw Errors.alreadyExists("Address already in use (%s on network %s)", ip, network.name());
    }
    return new Lease(ip, pool);
  }

  private Lease next() {
    for (Ipv4Pool pool : network.pools()) {
      Ipv4 free = nextFree(pool);
      if (free != null) {
        return new Lease(free, pool);
      }
    }
    // the kernel manager's words, Docker's daemon's
    throw Errors.resourceExhausted("no available IPv4 addresses on this network's address pools: %s (%s)",
        network.name(), network.id());
  }

  /** The next free host address of the pool after the last handed out there; null when none is. */
  private Ipv4 nextFree(Ipv4Pool pool) {
    Subnet subnet = pool.subnet();
    Ipv4 first = max(pool.range().network(), subnet.firstHost());
    Ipv4 lastHost = min(pool.range().broadcast(), subnet.lastHost());
    long hosts = lastHost.unsigned() - first.unsigned() + 1;
    Ipv4 candidate = last != null && last.compareTo(first) >= 0 && last.compareTo(lastHost) <= 0 ? last : lastHost;
    for (long i = 0; i < hosts; i++) {
      candidate = candidate.equals(lastHost) ? first : candidate.plus(1);
      if (!candidate.equals(pool.gateway()) && !leased.contains(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static Ipv4 max(Ipv4 a, Ipv4 b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Ipv4 min(Ipv4 a, Ipv4 b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
