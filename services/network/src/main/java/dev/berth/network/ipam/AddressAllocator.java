package dev.berth.network.ipam;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import java.math.BigInteger;
import java.util.Set;

/**
 * Picks a container address in a subnet: the one asked for, anywhere in the subnet, or the next
 * free one of the pool (the subnet, or the network's range in it) after the last handed out,
 * wrapping around, so that an address just released is not reused at once (peers may still hold
 * the old MAC in their ARP caches).
 */
public final class AddressAllocator {
  private AddressAllocator() {}

  public static Ipv4 allocate(String network, Subnet subnet, Subnet pool, Ipv4 gateway, Set<Ipv4> leased,
      Ipv4 lastAllocated, Ipv4 requested) {
    if (requested != null) {
      return checked(network, requested, subnet.isHost(requested), gateway, leased);
    }
    // the pool's addresses that are hosts of the subnet
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
    throw Errors.resourceExhausted("network %s (%s) has no free address", network, pool);
  }

  /**
   * The IPv6 counterpart: the address asked for, anywhere in the subnet, or the next free one of the
   * pool (the subnet, or the network's IPv6 range in it) after the last handed out, wrapping around.
   * Leased addresses are few beside a /64, so the search ends after at most one more step than
   * there are leases (and the gateway).
   */
  public static Ipv6 allocate6(String network, Subnet6 subnet, Subnet6 pool, Ipv6 gateway, Set<Ipv6> leased,
      Ipv6 lastAllocated, Ipv6 requested) {
    if (requested != null) {
      return checked(network, requested, subnet.isHost(requested), gateway, leased);
    }
    // the pool's addresses that are hosts of the subnet (never its first, the subnet-router anycast one)
    Ipv6 first = first6(subnet, pool);
    Ipv6 last = pool.last();
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
    throw Errors.resourceExhausted("network %s (%s) has no free IPv6 address", network, pool);
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
    if (requested.equals(gateway)) {
      throw Errors.invalidArgument("address %s is the gateway of network %s", requested, network);
    }
    if (leased.contains(requested)) {
      throw Errors.alreadyExists("address %s is already in use on network %s", requested, network);
    }
    return requested;
  }
}
