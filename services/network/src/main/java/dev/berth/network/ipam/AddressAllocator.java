package dev.berth.network.ipam;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Subnet;
import java.util.Set;

/**
 * Picks a container address in a subnet: the one asked for, or the next free one after the last
 * handed out, wrapping around, so that an address just released is not reused at once (peers
 * may still hold the old MAC in their ARP caches).
 */
public final class AddressAllocator {
  private AddressAllocator() {}

  public static Ipv4 allocate(String network, Subnet subnet, Ipv4 gateway, Set<Ipv4> leased,
      Ipv4 lastAllocated, Ipv4 requested) {
    if (requested != null) {
      if (!subnet.isHost(requested)) {
        throw Errors.invalidArgument("address %s is not a host address of network %s (%s)", requested, network, subnet);
      }
      if (requested.equals(gateway)) {
        throw Errors.invalidArgument("address %s is the gateway of network %s", requested, network);
      }
      if (leased.contains(requested)) {
        throw Errors.alreadyExists("address %s is already in use on network %s", requested, network);
      }
      return requested;
    }
    long hosts = subnet.lastHost().unsigned() - subnet.firstHost().unsigned() + 1;
    Ipv4 start = lastAllocated != null && subnet.isHost(lastAllocated) ? lastAllocated : subnet.lastHost();
    Ipv4 candidate = start;
    for (long i = 0; i < hosts; i++) {
      candidate = candidate.equals(subnet.lastHost()) ? subnet.firstHost() : candidate.plus(1);
      if (!candidate.equals(gateway) && !leased.contains(candidate)) {
        return candidate;
      }
    }
    throw Errors.resourceExhausted("network %s (%s) has no free address", network, subnet);
  }
}
