package dev.berth.api.network.testing;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.NetworkInfo;
import java.util.HashSet;
import java.util.Set;

/**
 * The addresses of one network, handed out as the kernel manager's allocator does: the one
 * asked for, or the next free host address of its pool (range or subnet) after the last one
 * handed out, wrapping around.
 */
final class AddressPool {
  private final NetworkInfo network;
  private final Set<Ipv4> leased = new HashSet<>();
  private Ipv4 last;

  AddressPool(NetworkInfo network) {
    this.network = network;
  }

  Ipv4 lease(Ipv4 requested) {
    Ipv4 ip = requested != null ? checked(requested) : next();
    leased.add(ip);
    last = ip;
    return ip;
  }

  void release(Ipv4 ip) {
    leased.remove(ip);
  }

  private Ipv4 checked(Ipv4 ip) {
    if (!network.subnet().isHost(ip)) {
      throw Errors.invalidArgument(
          "invalid endpoint settings:\nno configured subnet or ip-range contain the IP address %s", ip);
    }
    if (ip.equals(network.gateway())) {
      throw Errors.invalidArgument("address %s is the gateway of network %s", ip, network.name());
    }
    if (leased.contains(ip)) {
      throw Errors.alreadyExists("address %s is already in use on network %s", ip, network.name());
    }
    return ip;
  }

  private Ipv4 next() {
    Ipv4 first = max(network.pool().network(), network.subnet().firstHost());
    Ipv4 lastHost = min(network.pool().broadcast(), network.subnet().lastHost());
    long hosts = lastHost.unsigned() - first.unsigned() + 1;
    Ipv4 candidate = last != null && last.compareTo(first) >= 0 && last.compareTo(lastHost) <= 0 ? last : lastHost;
    for (long i = 0; i < hosts; i++) {
      candidate = candidate.equals(lastHost) ? first : candidate.plus(1);
      if (!candidate.equals(network.gateway()) && !leased.contains(candidate)) {
        return candidate;
      }
    }
    throw Errors.resourceExhausted("network %s (%s) has no free address", network.name(), network.pool());
  }

  private static Ipv4 max(Ipv4 a, Ipv4 b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Ipv4 min(Ipv4 a, Ipv4 b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
