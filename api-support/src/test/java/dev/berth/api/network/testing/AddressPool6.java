package dev.berth.api.network.testing;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Ipv6Interface;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.Subnet6;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link AddressPool} for a network's IPv6 pools, as the kernel manager's allocator hands them
 * out: the address asked for, checked in the pool whose subnet holds it, or the next free one of
 * the first pool with room after the last handed out; never a subnet's first address (the
 * subnet-router anycast one), a pool's gateway nor an auxiliary address.
 */
final class AddressPool6 {
  private final NetworkInfo network;
  private final Set<Ipv6> leased = new HashSet<>();
  private Ipv6 last;

  AddressPool6(NetworkInfo network) {
    this.network = network;
    network.auxAddresses().values().stream().filter(a -> a.contains(":"))
        .map(a -> Ipv6.parse("auxiliary address", a)).forEach(leased::add);
  }

  /** The interface's IPv6 side: the address, and the subnet and gateway of the pool it is of. */
  Ipv6Interface lease(Ipv6 requested) {
    Ipv6 ip = requested != null ? checked(requested) : next();
    leased.add(ip);
    last = ip;
    Ipv6Pool pool = poolOf(ip);
    return new Ipv6Interface(ip, pool.subnet(), pool.gateway());
  }

  void release(Ipv6 ip) {
    leased.remove(ip);
  }

  private Ipv6Pool poolOf(Ipv6 ip) {
    List<Ipv6Pool> pools = network.pools6();
    return pools.stream().filter(p -> p.subnet().contains(ip)).findFirst().orElse(pools.get(0));
  }

  private Ipv6 checked(Ipv6 ip) {
    Ipv6Pool pool = poolOf(ip);
    // the kernel manager's words, Docker's
    if (!pool.subnet().isHost(ip)) {
      throw Errors.invalidArgument(
          "invalid endpoint settings:\nno configured subnet or ip-range contain the IP address %s", ip);
    }
    if (ip.equals(pool.gateway())) {
      throw Errors.invalidArgument("Address already in use (%s is the gateway of network %s)", ip, network.name());
    }
    if (leased.contains(ip)) {
      throw Errors.alreadyExists("Address already in use (%s on network %s)", ip, network.name());
    }
    return ip;
  }

  private Ipv6 next() {
    for (Ipv6Pool pool : network.pools6()) {
      Ipv6 free = nextFree(pool);
      if (free != null) {
        return free;
      }
    }
    throw Errors.resourceExhausted("no available IPv6 addresses on this network's address pools: %s (%s)",
        network.name(), network.id());
  }

  /** The next free address of the pool after the last handed out there; null when none is. */
  private Ipv6 nextFree(Ipv6Pool pool) {
    Subnet6 subnet = pool.subnet();
    Subnet6 range = pool.range();
    Ipv6 first = range.network().compareTo(subnet.firstHost()) > 0 ? range.network() : subnet.firstHost();
    Ipv6 lastHost = range.last();
    if (first.compareTo(lastHost) > 0) {
      return null;
    }
    Ipv6 candidate = last != null && last.compareTo(first) >= 0 && last.compareTo(lastHost) <= 0 ? last : lastHost;
    // the leases are few beside the pool: one more try than there are of them (and the gateway) finds one
    long tries = lastHost.value().subtract(first.value()).add(BigInteger.ONE)
        .min(BigInteger.valueOf(leased.size() + 2L)).longValue();
    for (long i = 0; i < tries; i++) {
      candidate = candidate.equals(lastHost) ? first : candidate.plus(1);
      if (!candidate.equals(pool.gateway()) && !leased.contains(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
