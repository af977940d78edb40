package dev.berth.network.linux;

import dev.berth.api.network.InterfaceStats;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Subnet;
import dev.berth.linux.ErrnoException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rtnetlink requests Berth needs (links, addresses, routes), over one {@link NetlinkSocket}
 * and so in the network namespace that socket was opened in.
 */
public final class Rtnl implements AutoCloseable {
  private static final int RTM_NEWLINK = 16;
  private static final int RTM_DELLINK = 17;
  private static final int RTM_GETLINK = 18;
  private static final int RTM_SETLINK = 19;
  private static final int RTM_NEWADDR = 20;
  private static final int RTM_NEWROUTE = 24;
  private static final int RTM_GETROUTE = 26;

  private static final int AF_UNSPEC = 0;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int AF_BRIDGE = 7;
  private static final int IFF_UP = 1;

  private static final int IFLA_ADDRESS = 1;
  private static final int IFLA_IFNAME = 3;
  private static final int IFLA_MTU = 4;
  private static final int IFLA_MASTER = 10;
  private static final int IFLA_STATS = 7;
  private static final int IFLA_PROTINFO = 12;
  private static final int IFLA_LINKINFO = 18;
  private static final int IFLA_STATS64 = 23;
  private static final int IFLA_NET_NS_FD = 28;
  private static final int IFLA_INFO_KIND = 1;
  private static final int IFLA_INFO_DATA = 2;
  private static final int VETH_INFO_PEER = 1;
  private static final int IFLA_BRPORT_MODE = 4;

  private static final int IFA_ADDRESS = 1;
  private static final int IFA_LOCAL = 2;
  private static final int IFA_BROADCAST = 4;
  private static final int IFA_FLAGS = 8;
  private static final int IFA_F_NODAD = 0x02;

  private static final int RTA_DST = 1;
  private static final int RTA_GATEWAY = 5;
  private static final int RT_TABLE_MAIN = 254;
  private static final int RTPROT_BOOT = 3;
  private static final int RT_SCOPE_UNIVERSE = 0;
  private static final int RTN_UNICAST = 1;
  private static final int IFINFOMSG_LENGTH = 16;
  private static final int RTMSG_LENGTH = 12;

  private static final int CHANGE = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK;
  private static final int CREATE = CHANGE | NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL;

  private final NetlinkSocket socket;

  private Rtnl(NetlinkSocket socket) {
    this.socket = socket;
  }

  /** rtnetlink in the calling thread's network namespace. */
  public static Rtnl open() throws ErrnoException {
    return new Rtnl(NetlinkSocket.open());
  }

  /** The link named {@code name}, or null if there is none. */
  public Link link(String name) throws ErrnoException {
    NetlinkMessage get = new NetlinkMessage(RTM_GETLINK, CHANGE, "RTM_GETLINK " + name)
        .ifinfomsg(AF_UNSPEC, 0, 0, 0)
        .string(IFLA_IFNAME, name);
    try {
      List<ByteBuffer> answers = socket.exchange(get);
      return answers.isEmpty() ? null : parseLink(answers.get(0));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENODEV) {
        return null;
      }
      throw e;
    }
  }

  public List<Link> links() throws ErrnoException {
    NetlinkMessage dump = new NetlinkMessage(RTM_GETLINK, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP,
        "RTM_GETLINK dump").ifinfomsg(AF_UNSPEC, 0, 0, 0);
    List<Link> links = new ArrayList<>();
    for (ByteBuffer body : socket.exchange(dump)) {
      links.add(parseLink(body));
    }
    return links;
  }

  /**
   * Every link's traffic counters, by name: rtnl_link_stats64 (IFLA_STATS64), or the 32-bit
   * rtnl_link_stats of a kernel without it. Both begin rx_packets, tx_packets, rx_bytes,
   * tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped.
   */
  public Map<String, InterfaceStats> linkStats() throws ErrnoException {
    NetlinkMessage dump = new NetlinkMessage(RTM_GETLINK, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP,
        "RTM_GETLINK dump").ifinfomsg(AF_UNSPEC, 0, 0, 0);
    Map<String, InterfaceStats> stats = new LinkedHashMap<>();
    for (ByteBuffer body : socket.exchange(dump)) {
      Map<Integer, ByteBuffer> attributes = NetlinkMessage.attributes(body, IFINFOMSG_LENGTH);
      ByteBuffer name = attributes.get(IFLA_IFNAME);
      ByteBuffer wide = attributes.get(IFLA_STATS64);
      ByteBuffer narrow = attributes.get(IFLA_STATS);
      if (name == null || (wide == null && narrow == null)) {
        continue;
      }
      long[] c = new long[8];
      for (int i = 0; i < c.length; i++) {
        c[i] = wide != null ? wide.getLong(i * 8) : Integer.toUnsignedLong(narrow.getInt(i * 4));
      }
      String n = NetlinkMessage.string(name);
      stats.put(n, new InterfaceStats(n, c[2], c[0], c[4], c[6], c[3], c[1], c[5], c[7]));
    }
    return stats;
  }

  /** Creates a bridge, down, with a fixed MAC so that it does not change as ports come and go. */
  public void createBridge(String name, int mtu, byte[] mac) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWLINK, CREATE, "RTM_NEWLINK bridge " + name)
        .ifinfomsg(AF_UNSPEC, 0, 0, 0)
        .string(IFLA_IFNAME, name)
        .u32(IFLA_MTU, mtu)
        .attribute(IFLA_ADDRESS, mac)
        .begin(IFLA_LINKINFO).string(IFLA_INFO_KIND, "bridge").end());
  }

  /**
   * Creates a veth pair in one request: {@code name} here, enslaved to {@code masterIndex} and
   * up; its peer created directly inside the namespace {@code peerNetnsFd} as {@code peerName},
   * down (the kernel refuses to open a veth end before both exist; bring it up from inside).
   * Nothing is left behind if any part fails (e.g. the peer name is taken there).
   */
  public void createVeth(String name, int masterIndex, int mtu, String peerName, int peerNetnsFd)
      throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWLINK, CREATE, "RTM_NEWLINK veth " + name + " peer " + peerName)
        .ifinfomsg(AF_UNSPEC, 0, IFF_UP, IFF_UP)
        .string(IFLA_IFNAME, name)
        .u32(IFLA_MTU, mtu)
        .u32(IFLA_MASTER, masterIndex)
        .begin(IFLA_LINKINFO)
        .string(IFLA_INFO_KIND, "veth")
        .begin(IFLA_INFO_DATA)
        .begin(VETH_INFO_PEER)
        .ifinfomsg(AF_UNSPEC, 0, 0, 0)
        .string(IFLA_IFNAME, peerName)
        .u32(IFLA_MTU, mtu)
        .u32(IFLA_NET_NS_FD, peerNetnsFd)
        .end()
        .end()
        .end());
  }

  /**
   * Lets the bridge send a frame back out of the port it came in on, so that a container
   * reaches its own published port through the host's address.
   */
  public void setHairpin(int index, String name) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_SETLINK, CHANGE, "RTM_SETLINK hairpin " + name)
        .ifinfomsg(AF_BRIDGE, index, 0, 0)
        .begin(IFLA_PROTINFO).u8(IFLA_BRPORT_MODE, 1).end());
  }

  public void setUp(int index, String name) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWLINK, CHANGE, "RTM_NEWLINK up " + name)
        .ifinfomsg(AF_UNSPEC, index, IFF_UP, IFF_UP));
  }

  /** Gives a link the Ethernet address {@code mac} (six bytes). */
  public void setMacAddress(int index, String name, byte[] mac) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWLINK, CHANGE, "RTM_NEWLINK address of " + name)
        .ifinfomsg(AF_UNSPEC, index, 0, 0)
        .attribute(IFLA_ADDRESS, mac));
  }

  /** Deletes a link (a veth takes its peer with it); false if there was none. */
  public boolean deleteLink(String name) throws ErrnoException {
    try {
      socket.exchange(new NetlinkMessage(RTM_DELLINK, CHANGE, "RTM_DELLINK " + name)
          .ifinfomsg(AF_UNSPEC, 0, 0, 0)
          .string(IFLA_IFNAME, name));
      return true;
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENODEV) {
        return false;
      }
      throw e;
    }
  }

  /** Adds {@code address/prefix} to a link, or leaves it if it is there already. */
  public void addAddress(int index, String name, Ipv4 address, Subnet subnet) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWADDR, CHANGE | NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_REPLACE,
        "RTM_NEWADDR " + address + "/" + subnet.prefix() + " on " + name)
        .ifaddrmsg(AF_INET, subnet.prefix(), RT_SCOPE_UNIVERSE, index)
        .attribute(IFA_LOCAL, address.bytes())
        .attribute(IFA_ADDRESS, address.bytes())
        .attribute(IFA_BROADCAST, subnet.broadcast().bytes()));
  }

  /**
   * Adds {@code address/prefix} to a link without duplicate address detection, so that it is
   * usable at once rather than tentative for a second or two; leaves it if it is there already.
   */
  public void addAddress6(int index, String name, Ipv6 address, int prefix) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWADDR, CHANGE | NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_REPLACE,
        "RTM_NEWADDR " + address + "/" + prefix + " on " + name)
        .ifaddrmsg(AF_INET6, prefix, RT_SCOPE_UNIVERSE, index)
        .attribute(IFA_LOCAL, address.bytes())
        .attribute(IFA_ADDRESS, address.bytes())
        .u32(IFA_FLAGS, IFA_F_NODAD));
  }

  /** The default IPv6 route via {@code gateway}, replacing one that is there. */
  public void setDefaultRoute6(Ipv6 gateway) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWROUTE, CHANGE | NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_REPLACE,
        "RTM_NEWROUTE default via " + gateway)
        .rtmsg(AF_INET6, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST)
        .attribute(RTA_GATEWAY, gateway.bytes()));
  }

  /** The default route via {@code gateway}, replacing one that is there. */
  public void setDefaultRoute(Ipv4 gateway) throws ErrnoException {
    socket.exchange(new NetlinkMessage(RTM_NEWROUTE, CHANGE | NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_REPLACE,
        "RTM_NEWROUTE default via " + gateway)
        .rtmsg(AF_INET, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST)
        .attribute(RTA_GATEWAY, gateway.bytes()));
  }

  /** Destinations of every IPv4 route in every table, default and loopback routes excepted. */
  public List<Subnet> routedSubnets() throws ErrnoException {
    NetlinkMessage dump = new NetlinkMessage(RTM_GETROUTE, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP,
        "RTM_GETROUTE dump").rtmsg(AF_INET, 0, 0, 0, 0, 0);
    List<Subnet> subnets = new ArrayList<>();
    for (ByteBuffer body : socket.exchange(dump)) {
      int dstLength = Byte.toUnsignedInt(body.get(1));
      ByteBuffer dst = NetlinkMessage.attributes(body, RTMSG_LENGTH).get(RTA_DST);
      if (dstLength == 0 || dst == null) {
        continue;
      }
      Ipv4 address = Ipv4.of(NetlinkMessage.bytes(dst));
      if (!address.isLoopback()) {
        subnets.add(Subnet.containing(address, dstLength));
      }
    }
    return subnets;
  }

  private static Link parseLink(ByteBuffer body) {
    int index = body.getInt(4);
    Map<Integer, ByteBuffer> attributes = NetlinkMessage.attributes(body, IFINFOMSG_LENGTH);
    ByteBuffer name = attributes.get(IFLA_IFNAME);
    ByteBuffer address = attributes.get(IFLA_ADDRESS);
    ByteBuffer master = attributes.get(IFLA_MASTER);
    String kind = "";
    ByteBuffer linkInfo = attributes.get(IFLA_LINKINFO);
    if (linkInfo != null) {
      ByteBuffer k = NetlinkMessage.attributes(linkInfo, 0).get(IFLA_INFO_KIND);
      kind = k == null ? "" : NetlinkMessage.string(k);
    }
    return new Link(index,
        name == null ? "" : NetlinkMessage.string(name),
        address == null ? "" : HexFormat.ofDelimiter(":").formatHex(NetlinkMessage.bytes(address)),
        master == null ? 0 : master.getInt(0),
        kind);
  }

  @Override
  public void close() {
    socket.close();
  }
}
