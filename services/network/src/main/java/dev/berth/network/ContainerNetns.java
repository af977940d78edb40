package dev.berth.network;

import dev.berth.api.network.InterfaceStats;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Ipv6Interface;
import dev.berth.api.network.MacAddress;
import dev.berth.api.network.Subnet;
import dev.berth.network.linux.Link;
import dev.berth.network.linux.Netns;
import dev.berth.network.linux.Rtnl;
import dev.berth.network.linux.Sysctls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Work inside containers' network namespaces, and the namespaces Berth creates itself, pinned
 * at {@code <state>/netns/<namespace>/<container>}.
 */
final class ContainerNetns {
  private final Path pins;

  ContainerNetns(Path pins) {
    this.pins = pins;
  }

  Path pinPath(String namespace, String containerId) {
    return pins.resolve(namespace).resolve(containerId);
  }

  /** Creates and pins a namespace with loopback up. */
  void createPinned(Path pin) throws IOException {
    Files.createDirectories(pin.getParent());
    Netns.createPinned(pin, () -> {
      try (Rtnl rtnl = Rtnl.open()) {
        loopbackUp(rtnl);
      }
      return null;
    });
  }

  void unpin(Path pin) throws IOException {
    Netns.unpin(pin);
    if (!Files.isDirectory(pin.getParent())) {
      return;
    }
    try (Stream<Path> left = Files.list(pin.getParent())) {
      if (left.findAny().isEmpty()) {
        Files.deleteIfExists(pin.getParent());
      }
    }
  }

  /** Every pin present, referenced or not. */
  List<Path> pins() throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(pins)) {
      return found;
    }
    try (Stream<Path> namespaces = Files.list(pins)) {
      for (Path namespace : namespaces.toList()) {
        try (Stream<Path> containers = Files.list(namespace)) {
          found.addAll(containers.toList());
        }
      }
    }
    return found;
  }

  /**
   * Fails with an ErrnoException (ENOENT; EINVAL if it is no network namespace) unless
   * {@code netns} can be entered.
   */
  void check(Path netns) throws IOException {
    Netns.callIn(netns, () -> null);
  }

  void loopbackUp(Path netns) throws IOException {
    Netns.callIn(netns, () -> {
      try (Rtnl rtnl = Rtnl.open()) {
        loopbackUp(rtnl);
      }
      return null;
    });
  }

  /** The traffic counters of every interface in {@code netns}, by name. */
  Map<String, InterfaceStats> linkStats(Path netns) throws IOException {
    return Netns.callIn(netns, () -> {
      try (Rtnl rtnl = Rtnl.open()) {
        return rtnl.linkStats();
      }
    });
  }

  /**
   * Addresses the container end of a veth (also with {@code ipv6}'s address, if not null, else
   * with IPv6 off unless a link-local address of {@code linkLocal} is IPv6, and with those), brings it
   * and loopback up and, if asked, routes the default routes through the gateways.
   */
  void configure(Path netns, String name, MacAddress mac, Ipv4 address, Subnet subnet, Ipv4 gateway,
      Ipv6Interface ipv6, LinkLocalAddresses linkLocal, boolean defaultRoute) throws IOException {
    Netns.callIn(netns, () -> {
      try (Rtnl rtnl = Rtnl.open()) {
        Link link = rtnl.link(name);
        if (link == null) {
          throw new IOException("interface " + name + " did not arrive in " + netns);
        }
        // while the link is down: the address is the one its first packets carry
        rtnl.setMacAddress(link.index(), name, mac.bytes());
        rtnl.addAddress(link.index(), name, address, subnet);
        for (Ipv4 extra : linkLocal.ipv4()) {
          rtnl.addAddress(link.index(), name, extra, Subnet.containing(extra, LinkLocalAddresses.IPV4_PREFIX));
        }
        if (ipv6 != null || !linkLocal.ipv6().isEmpty()) {
          // the namespace may have IPv6 off (a host or image default); this interface needs it on
          Sysctls.set("net/ipv6/conf/" + name + "/disable_ipv6", "0");
          if (ipv6 != null) {
            rtnl.addAddress6(link.index(), name, ipv6.ip(), ipv6.subnet().prefix());
          }
          for (Ipv6 extra : linkLocal.ipv6()) {
            rtnl.addAddress6(link.index(), name, extra, LinkLocalAddresses.IPV6_PREFIX);
          }
        } else {
          // As Docker: IPv6 off on an interface whose network has none, so that it joins no
          // multicast group and takes no router advertisement or neighbour discovery from peers.
          Sysctls.setIfPresent("net/ipv6/conf/" + name + "/disable_ipv6", "1");
        }
        rtnl.setUp(link.index(), name);
        loopbackUp(rtnl);
        if (defaultRoute) {
          rtnl.setDefaultRoute(gateway);
          if (ipv6 != null) {
            rtnl.setDefaultRoute6(ipv6.gateway());
          }
        }
        return null;
      }
    });
  }

  /** Routes the namespace's default routes through {@code gateway} and, if not null, {@code ipv6}'s gateway, replacing those there. */
  void routeDefaultsThrough(Path netns, Ipv4 gateway, Ipv6Interface ipv6) throws IOException {
    Netns.callIn(netns, () -> {
      try (Rtnl rtnl = Rtnl.open()) {
        rtnl.setDefaultRoute(gateway);
        if (ipv6 != null) {
          rtnl.setDefaultRoute6(ipv6.gateway());
        }
        return null;
      }
    });
  }

  private static void loopbackUp(Rtnl rtnl) throws IOException {
    Link lo = rtnl.link("lo");
    rtnl.setUp(lo.index(), "lo");
  }
}
