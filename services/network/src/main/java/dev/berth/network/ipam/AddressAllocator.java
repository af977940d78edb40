package dev.berth.network.ipam;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;

/**
 * Picks a container address in a subnet: the one asked for, anywhere in the subnet, or the next
 * free one of the pool (the subnet, or the network's range in it) after the last handed out,
 * wrapping around, so that an address just released is not reused at once (peers may still hold
 * the old MAC in their ARP caches).
 */
public final class AddressAllocator {
  private AddressAllocator() {}

  /**
   * An address of a network's IPv4 pools: the one asked for, checked in the pool whose subnet
   * holds it, or the next free one of the first pool with room, as Docker's allocator tries a
   * network's pools in order; when none has room, Docker's daemon's words.
   */
  public static Ipv4 allocate(NetworkInfo network, Set<Ipv4> leased, Ipv4 lastAllocated, Ipv4 requested) {
    List<Ipv4Pool> pools = network.pools();
    if (requested != null) {
      Ipv4Pool pool = poolOf(pools, requested);
      return checked(network.name(), requested, pool.subnet().isHost(requested), pool.gateway(), leased);
    }
    for (Ipv4Pool pool : pools) {
      Ipv4 free = nextFree(pool.subnet(), pool.range(), pool.gateway(), leased, lastAllocated);
      if (free != null) {
        return free;
      }
    }
    throw exhausted(4, network);
  }

  /** The IPv6 counterpart of {@link #allocate(NetworkInfo, Set, Ipv4, Ipv4)}, on a network with IPv6. */
  public static Ipv6 allocate6(NetworkInfo network, Set<Ipv6> leased, Ipv6 lastAllocated, Ipv6 requested) {
    List<Ipv6Pool> pools = network.pools6();
    if (requested != null) {
      Ipv6Pool pool = poolOf6(pools, requested);
      return checked(network.name(), requested, pool.subnet().isHost(requested), pool.gateway(), leased);
    }
    for (Ipv6Pool pool : pools) {
      Ipv6 free = nextFree6(pool.subnet(), pool.range(), pool.gateway(), leased, lastAllocated);
      if (free != null) {
        return free;
      }
    }
    throw exhausted(6, network);
  }

  /** The pool whose subnet holds {@code address}; the first when none does, which then refuses it. */
  public static Ipv4Pool poolOf(List<Ipv4Pool> pools, Ipv4 address) {
    return pools.stream().filter(p -> p.subnet().contains(address)).findFirst().orElse(pools.get(0));
  }

  /** {@link #poolOf} for IPv6 pools. */
  public static Ipv6Pool poolOf6(List<Ipv6Pool> pools, Ipv6 address) {
    return pools.stream().filter(p -> p.subnet().contains(address)).findFirst().orElse(pools.get(0));
  }

  private static RuntimeException exhausted(int family, NetworkInfo network) {
    // Docker's daemon's words
    return Errors.resourceExhausted("no available IPv%d addresses on this network's address pools: %s (%s)", family,
        network.name(), network.id());
  }

  /**
   * The next free address of {@code pool} after the last handed out there (wrapping around), among
   * those that are hosts of the subnet; null when every one is taken.
   */
  private static Ipv4 nextFree(Subnet subnet, Subnet pool, Ipv4 gateway, Set<Ipv4> leased, Ipv4 lastAllocated) {
    Ipv4 first = first(subnet, pool);
    Ipv4 last = pool.broadcast().compareTo(subnet.lastHost()) < 0 ? pool.broadcast() : subnet.lastHost();
    long hosts = last.unsigned() - first.unsigned() + 1;
    boolean inPool = lastAllocated != null && lastAllocated.compareTo(first) >= 0 && lastAllocated.compareTo(last) <= 0;
    Ipv4 candidate = inPool ? lastAllocated : last;
    for (long i = 0; i < hosts; i++) {
      candidate = candidate.equals(last) ? first : candidate.plus(1);
      if (!candidate.equals(gateway) && !leased.contains(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * {@link #nextFree} in an IPv6 pool (the subnet, or the network's IPv6 range in it); null when
   * every address is taken. Leased addresses are few beside a /64, so the search ends after at
   * most one more step than there are leases (and the gateway).
   */
  private static Ipv6 nextFree6(Subnet6 subnet, Subnet6 pool, Ipv6 gateway, Set<Ipv6> leased, Ipv6 lastAllocated) {
    // the pool's addresses that are hosts of the subnet (never its first, the subnet-router anycast one)
    Ipv6 first = first6(subnet, pool);
    Ipv6 last = pool.last();
    if (first.compareTo(last) > 0) {
      return null;
    }
    boolean inPool = lastAllocated != null && lastAllocated.compareTo(first) >= 0 && lastAllocated.compareTo(last) <= 0;
    Ipv6 candidate = inPool ? lastAllocated : last;
    long tries = last.value().subtract(first.value()).add(BigInteger.ONE)
        .min(BigInteger.valueOf(leased.size() + 2L)).longValue();
    for (long i = 0; i < tries; i++) {
      candidate = candidate.equals(last) ? first : candidate.plus(1);
      if (!candidate.equals(gateway) && !leased.contains(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * The first address of the pool (the subnet, or a range in it) a host may carry: where the
   * allocator starts, and, as Docker's allocator takes it from the range, a new network's gateway
   * when none is asked for.
   */
  public static Ipv4 first(Subnet subnet, Subnet pool) {
    return pool.network().compareTo(subnet.firstHost()) > 0 ? pool.network() : subnet.firstHost();
  }

  /** {@link #first} in an IPv6 subnet: never its first address, the subnet-router anycast one. */
  public static Ipv6 first6(Subnet6 subnet, Subnet6 pool) {
    return pool.network().compareTo(subnet.firstHost()) > 0 ? pool.network() : subnet.firstHost();
  }

  /** An address asked for, of either family, once it is a host of the subnet, not the gateway and free. */
  private static <A> A checked(String network, A requested, boolean inSubnet, A gateway, Set<A> leased) {
    if (!inSubnet) {
      // Docker's daemon's words, which its CLI prints after "Error response from daemon: "
      throw Errors.invalidArgument(
          "invalid endpoint settings:\nno configured subnet or ip-range contain the IP address %s", requested);
    }
    // Docker's allocator's words first, which scripts match (it holds the gateway as any address),
    // then which address of which network
    if (requested.equals(gateway)) {
      throw Errors.invalidArgument("Address already in use (%s is the gateway of network %s)", requested, network);
    }
    if (leased.contains(requested)) {
      throw Errors.alreadyExists("Address already in use (%s on network %s)", requested, network);
    }
    return requested;
  }
}
