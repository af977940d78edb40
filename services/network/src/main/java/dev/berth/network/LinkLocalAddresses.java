package dev.berth.network;

import dev.berth.api.network.IpAddress;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import java.util.List;

/**
 * The addresses a container's interface takes besides the network's (Docker's
 * {@code --link-local-ip}), in the order asked. As Docker's daemon, any address but the
 * unspecified ones is taken, and each gets the prefix of its family's link-local range, whatever
 * range it is in.
 */
record LinkLocalAddresses(List<IpAddress> all) {
  /** 169.254.0.0/16's. */
  static final int IPV4_PREFIX = 16;
  /** fe80::/64's. */
  static final int IPV6_PREFIX = 64;

  /** The addresses asked for; INVALID_ARGUMENT, in Docker's daemon's words, for one that is none. */
  static LinkLocalAddresses parse(List<String> asked) {
    return new LinkLocalAddresses(IpAddress.linkLocal(asked));
  }

  List<Ipv4> ipv4() {
    return all.stream().filter(a -> a instanceof Ipv4).map(Ipv4.class::cast).toList();
  }

  List<Ipv6> ipv6() {
    return all.stream().filter(a -> a instanceof Ipv6).map(Ipv6.class::cast).toList();
  }
}
