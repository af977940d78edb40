package dev.berth.client.network;

import berth.network.v1.Attachment;
import berth.network.v1.AttachmentStatsResponse;
import berth.network.v1.CniResult;
import berth.network.v1.Network;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Dns;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.InterfaceStats;
import dev.berth.api.network.IpAddress;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Ipv6Interface;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.NetworkStats;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * berth.network.v1 messages as the server renders them, read back into the domain records. The
 * server has validated everything, so this decodes its rendering and parses no user input.
 */
final class NetworkMessages {
  private static final String DEFAULT_ROUTE = "0.0.0.0/0";

  private NetworkMessages() {}

  /** The network the server describes, every field of it: both families' pools and the auxiliary addresses. */
  static NetworkInfo network(Network n) {
    boolean ipv6 = n.getEnableIpv6();
    return new NetworkInfo(n.getName(), n.getDriver(), Subnet.parse(n.getSubnet()),
        Ipv4.parse("gateway", n.getGateway()), n.getBridge(), n.getMtu(), n.getIpMasquerade(), n.getInternal(),
        n.getLabelsMap(), ProtoTimes.toInstant(n.getCreatedAt()), n.getIsDefault(), n.getId(),
        n.getIpRange().isEmpty() ? null : Subnet.parseStored(n.getIpRange()), !n.hasIcc() || n.getIcc(),
        ipv6 ? Subnet6.parseStored(n.getIpv6Subnet()) : null, ipv6 ? Ipv6.parse("gateway", n.getIpv6Gateway()) : null,
        n.getSubnetChosen(), n.getIpv6SubnetChosen(),
        n.getIpv6IpRange().isEmpty() ? null : Subnet6.parseStored(n.getIpv6IpRange()), n.getAuxAddressesMap(),
        n.getMorePoolsList().stream()
            .filter(p -> !p.getSubnet().contains(":"))
            .map(p -> new Ipv4Pool(Subnet.parseStored(p.getSubnet()), Ipv4.parse("gateway", p.getGateway()),
                p.getIpRange().isEmpty() ? null : Subnet.parseStored(p.getIpRange())))
            .toList(),
        n.getMorePoolsList().stream()
            .filter(p -> p.getSubnet().contains(":"))
            .map(p -> new Ipv6Pool(Subnet6.parseStored(p.getSubnet()), Ipv6.parse("gateway", p.getGateway()),
                p.getIpRange().isEmpty() ? null : Subnet6.parseStored(p.getIpRange())))
            .toList(),
        n.getIpamOptionsMap());
  }

  static berth.network.v1.PortMapping port(PortMapping p) {
    return berth.network.v1.PortMapping.newBuilder()
        .setHostIp(p.hostIpText())
        .setHostPort(p.hostPort())
        .setContainerPort(p.containerPort())
        .setProtocol(p.protocol().lowerCase())
        .build();
  }

  /**
   * The attachment the server describes. Its CNI result carries what the record keeps about
   * interfaces: the host's veth first (BRIDGE mode), then the container's interface, which the
   * address names, and on a network with IPv6 its IPv6 address second; NONE mode lists only
   * loopback, which is no address of the attachment.
   */
  static AttachmentInfo attachment(String namespace, Attachment a) {
    Mode mode = mode(a.getMode());
    CniResult result = a.getResult();
    String hostMac = mode == Mode.BRIDGE ? result.getInterfaces(0).getMac() : "";
    boolean hasAddress = mode != Mode.NONE && result.getIpsCount() > 0;
    Ipv4 ip = null;
    Subnet subnet = null;
    Ipv4 gateway = null;
    String mac = "";
    Ipv6Interface ipv6 = null;
    if (hasAddress) {
      CniResult.IpConfig config = result.getIps(0);
      String[] cidr = config.getAddress().split("/", 2);
      ip = Ipv4.parse("address", cidr[0]);
      subnet = Subnet.containing(ip, Integer.parseInt(cidr[1]));
      gateway = Ipv4.parse("gateway", config.getGateway());
      mac = result.getInterfaces(config.getInterface()).getMac();
      // on a network with IPv6, the interface's IPv6 side follows
      if (result.getIpsCount() > 1) {
        CniResult.IpConfig config6 = result.getIps(1);
        String[] cidr6 = config6.getAddress().split("/", 2);
        Ipv6 ip6 = Ipv6.parse("address", cidr6[0]);
        ipv6 = new Ipv6Interface(ip6, Subnet6.containing(ip6, Integer.parseInt(cidr6[1])),
            Ipv6.parse("gateway", config6.getGateway()));
      }
    }
    boolean defaultRoute = result.getRoutesList().stream().anyMatch(r -> r.getDst().equals(DEFAULT_ROUTE));
    CniResult.Dns dns = result.getDns();
    return new AttachmentInfo(namespace, a.getContainerId(), a.getNetwork(), mode, a.getNetnsPath(),
        a.getNetnsPinned(), a.getInterfaceName(), a.getHostInterface(), hostMac, ip, subnet, gateway, defaultRoute,
        mac, a.getHostname(), a.getDomainname(), a.getAliasesList(),
        a.getPortMappingsList().stream().map(NetworkMessages::port).toList(),
        new Dns(dns.getNameserversList(), dns.getSearchList(), dns.getOptionsList()),
        a.getExtraHostsList().stream().map(NetworkMessages::hostEntry).toList(),
        // the three files always share the directory the record keeps
        Path.of(a.getFiles().getHosts()).getParent(), a.getLabelsMap(), ProtoTimes.toInstant(a.getCreatedAt()),
        ipv6, a.getLinkLocalIpsList().stream().map(ll -> IpAddress.parse("link-local address", ll)).toList());
  }

  static NetworkStats stats(AttachmentStatsResponse r) {
    return new NetworkStats(ProtoTimes.toInstant(r.getTimestamp()), r.getInterfacesList().stream()
        .map(i -> new InterfaceStats(i.getName(), i.getRxBytes(), i.getRxPackets(), i.getRxErrors(),
            i.getRxDropped(), i.getTxBytes(), i.getTxPackets(), i.getTxErrors(), i.getTxDropped()))
        .toList());
  }

  private static PortMapping port(berth.network.v1.PortMapping p) {
    return new PortMapping(p.getHostIp().isEmpty() ? null : IpAddress.parse("host IP", p.getHostIp()), p.getHostPort(), p.getContainerPort(),
        PortMapping.Protocol.valueOf(p.getProtocol().toUpperCase(Locale.ROOT)));
  }

  /** {@code NAME:IP} as the server writes it; host names have no colon, IPv6 addresses do. */
  private static HostEntry hostEntry(String line) {
    int colon = line.indexOf(':');
    return new HostEntry(line.substring(0, colon), line.substring(colon + 1));
  }

  private static Mode mode(berth.network.v1.Mode m) {
    return switch (m) {
      case BRIDGE -> Mode.BRIDGE;
      case HOST -> Mode.HOST;
      case NONE -> Mode.NONE;
      case CONTAINER -> Mode.CONTAINER;
      case MODE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalStateException("attachment without a mode: " + m);
    };
  }
}
