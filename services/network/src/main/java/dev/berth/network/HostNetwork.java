package dev.berth.network;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.Subnet;
import dev.berth.linux.Syscalls;
import dev.berth.network.linux.Link;
import dev.berth.network.linux.NetnsThread;
import dev.berth.network.linux.Nftables;
import dev.berth.network.linux.Rtnl;
import dev.berth.network.linux.Sysctls;
import dev.berth.network.ports.PortReservations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything Berth does in the host's network namespace: bridges, the host ends of veth pairs,
 * sysctls, the nftables table and port reservations. All of it runs on one platform thread that
 * lives in that namespace, which also serialises it.
 */
final class HostNetwork implements AutoCloseable {
  private final NetnsThread thread;
  private final Rtnl rtnl;
  private final Nftables nft;
  private final PortReservations ports = new PortReservations();

  private HostNetwork(NetnsThread thread, Rtnl rtnl, Nftables nft) {
    this.thread = thread;
    this.rtnl = rtnl;
    this.nft = nft;
  }

  /** {@code netns}: the host namespace, or null for the calling process's own. */
  static HostNetwork open(Path netns) throws IOException {
    NetnsThread thread = NetnsThread.start("berth-network-host", netns);
    try {
      Rtnl rtnl = thread.call(Rtnl::open);
      try {
        return new HostNetwork(thread, rtnl, thread.call(Nftables::open));
      } catch (IOException | RuntimeException e) {
        thread.call(() -> {
          rtnl.close();
          return null;
        });
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      thread.close();
      throw e;
    }
  }

  List<Subnet> routedSubnets() throws IOException {
    return thread.call(rtnl::routedSubnets);
  }

  Link link(String name) throws IOException {
    return thread.call(() -> rtnl.link(name));
  }

  List<Link> links() throws IOException {
    return thread.call(rtnl::links);
  }

  /**
   * Makes the network's bridge exist, carry every pool's gateway address (and the IPv6 ones, with
   * IPv6 forwarding on) and be up, deaf to router advertisements, with forwarding on and
   * 127.0.0.1 routable to it (for published ports reached at localhost).
   * FAILED_PRECONDITION if a device of that name exists and is not a bridge.
   */
  void ensureBridge(NetworkInfo network) throws IOException {
    thread.call(() -> {
      Link bridge = rtnl.link(network.bridge());
      if (bridge == null) {
        rtnl.createBridge(network.bridge(), network.mtu(), localMac());
        bridge = rtnl.link(network.bridge());
      } else if (!"bridge".equals(bridge.kind())) {
        throw Errors.failedPrecondition("device %s of network %s exists and is not a bridge (%s)",
            network.bridge(), network.name(), bridge.kind().isEmpty() ? "plain device" : bridge.kind());
      }
      // As Docker: the bridge never takes a router advertisement, or any container with
      // CAP_NET_RAW (a default capability) could send one and become this namespace's default
      // IPv6 router (CVE-2020-13401). Also on bridges an older berthd left at the default.
      Sysctls.setIfPresent("net/ipv6/conf/" + network.bridge() + "/accept_ra", "0");
      for (Ipv4Pool pool : network.pools()) {
        rtnl.addAddress(bridge.index(), bridge.name(), pool.gateway(), pool.subnet());
      }
      if (network.ipv6()) {
        Sysctls.set("net/ipv6/conf/" + network.bridge() + "/disable_ipv6", "0");
        for (Ipv6Pool pool : network.pools6()) {
          rtnl.addAddress6(bridge.index(), bridge.name(), pool.gateway(), pool.subnet().prefix());
        }
        // as Docker's daemon does for a network with IPv6: containers' traffic is routed on
        Sysctls.set("net/ipv6/conf/all/forwarding", "1");
      }
      rtnl.setUp(bridge.index(), bridge.name());
      // net.* sysctls belong to the namespace of the thread that opens them: this one.
      Sysctls.set("net/ipv4/ip_forward", "1");
      Sysctls.set("net/ipv4/conf/" + network.bridge() + "/route_localnet", "1");
      return null;
    });
  }

  /** Creates the veth pair of an attachment; returns the host end's MAC. */
  String createVeth(String hostName, String peerName, NetworkInfo network, Path peerNetns) throws IOException {
    return thread.call(() -> {
      Link bridge = rtnl.link(network.bridge());
      if (bridge == null) {
        throw new IOException("bridge " + network.bridge() + " vanished");
      }
      int fd = Syscalls.open(peerNetns);
      try {
        rtnl.createVeth(hostName, bridge.index(), network.mtu(), peerName, fd);
      } finally {
        Syscalls.close(fd);
      }
      try {
        Link host = rtnl.link(hostName);
        rtnl.setHairpin(host.index(), hostName);
        return host.mac();
      } catch (IOException | RuntimeException e) {
        rtnl.deleteLink(hostName);
        throw e;
      }
    });
  }

  /** Deletes a link (a veth pair, a bridge); false if there was none. */
  boolean deleteLink(String name) throws IOException {
    return thread.call(() -> rtnl.deleteLink(name));
  }

  /** Replaces Berth's nftables table in one transaction. */
  void applyRules(String batch) throws IOException {
    thread.call(() -> nft.run(batch));
  }

  PortMapping reserve(PortMapping mapping) throws IOException {
    return thread.call(() -> ports.reserve(mapping));
  }

  /** {@link PortReservations#reserveTogether}: the mappings on one host port. */
  List<PortMapping> reserveTogether(List<PortMapping> mappings) throws IOException {
    return thread.call(() -> ports.reserveTogether(mappings));
  }

  void release(PortMapping mapping) throws IOException {
    thread.call(() -> {
      ports.release(mapping);
      return null;
    });
  }

  /** A random locally administered unicast MAC, so that the bridge keeps one address for good. */
  private static byte[] localMac() {
    byte[] mac = new byte[6];
    ThreadLocalRandom.current().nextBytes(mac);
    mac[0] = (byte) ((mac[0] & 0xfc) | 0x02);
    return mac;
  }

  /** Releases the port reservations and the thread; rules and devices stay in force. */
  @Override
  public void close() {
    try {
      thread.call(() -> {
        ports.close();
        nft.close();
        rtnl.close();
        return null;
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      thread.close();
    }
  }
}
