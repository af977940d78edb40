package dev.berth.network;

import berth.network.v1.AddressPool;
import berth.network.v1.AttachRequest;
import berth.network.v1.ResolvConfStyle;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentStatsResponse;
import berth.network.v1.CniResult;
import berth.network.v1.ContainerFiles;
import berth.network.v1.Network;
import com.google.protobuf.Timestamp;
import dev.berth.api.network.AttachSpec;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Dns;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.InterfaceStats;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.NetworkSpec;
import dev.berth.api.network.NetworkStats;
import dev.berth.api.network.PortMapping;
import dev.berth.common.time.EpochNanos;
import dev.berth.network.ports.PortSpecs;
import java.util.ArrayList;
import java.util.List;

/** Conversions between berth.network.v1 messages and the domain records. */
final class NetworkMessages {
  static final String CNI_VERSION = "1.0.0";

  private NetworkMessages() {}

  static NetworkSpec spec(Network n) {
    return new NetworkSpec(n.getName(), n.getDriver(), n.getSubnet(), n.getGateway(), n.getBridge(), n.getMtu(),
        n.hasIpMasquerade() ? n.getIpMasquerade() : null, n.getInternal(), n.getLabelsMap(), n.getIpRange(),
        n.hasIcc() ? n.getIcc() : null, n.getEnableIpv6(), n.getIpv6Subnet(), n.getIpv6Gateway(), n.getIpv6IpRange(),
        n.getAuxAddressesMap(), n.getMorePoolsList().stream()
            .map(p -> new NetworkSpec.PoolSpec(p.getSubnet(), p.getGateway(), p.getIpRange())).toList(),
        n.getIpamOptionsMap());
  }

  static Network network(NetworkInfo n) {
    return Network.newBuilder()
        .setName(n.name())
        .setId(n.id())
        .setDriver(n.driver())
        .setSubnet(n.subnet().toString())
        .setGateway(n.gateway().toString())
        .setBridge(n.bridge())
        .setMtu(n.mtu())
        .setIpMasquerade(n.masquerade())
        .setInternal(n.internal())
        .putAllLabels(n.labels())
        .setCreatedAt(EpochNanos.toTimestamp(n.createdAt()))
        .setIsDefault(n.isDefault())
        .setIpRange(n.ipRange() == null ? "" : n.ipRange().toString())
        .setIcc(n.icc())
        .setEnableIpv6(n.ipv6())
        .setIpv6Subnet(n.ipv6() ? n.subnet6().toString() : "")
        .setIpv6Gateway(n.ipv6() ? n.gateway6().toString() : "")
        .setIpv6IpRange(n.ipRange6() == null ? "" : n.ipRange6().toString())
        .putAllAuxAddresses(n.auxAddresses())
        .putAllIpamOptions(n.ipamOptions())
        .setSubnetChosen(n.subnetChosen())
        .setIpv6SubnetChosen(n.subnet6Chosen())
        .addAllMorePools(n.morePools().stream().map(p -> AddressPool.newBuilder().setSubnet(p.subnet().toString())
            .setGateway(p.gateway().toString()).setIpRange(p.ipRange() == null ? "" : p.ipRange().toString())
            .build()).toList())
        .addAllMorePools(n.morePools6().stream().map(p -> AddressPool.newBuilder().setSubnet(p.subnet().toString())
            .setGateway(p.gateway().toString()).setIpRange(p.ipRange() == null ? "" : p.ipRange().toString())
            .build()).toList())
        .build();
  }

  /** The request as a spec; port mappings in either form are parsed here (INVALID_ARGUMENT if malformed). */
  static AttachSpec spec(AttachRequest r) {
    List<PortMapping> ports = new ArrayList<>();
    for (berth.network.v1.PortMapping p : r.getPortMappingsList()) {
      ports.add(PortSpecs.of(p.getHostIp(), p.getHostPort(), p.getContainerPort(), p.getProtocol()));
    }
    for (String spec : r.getPortSpecsList()) {
      ports.add(PortSpecs.parse(spec));
    }
    return new AttachSpec(r.getContainerId(), r.getNetwork(), r.getNetnsPath(), r.getInterfaceName(), r.getIp(),
        r.getMacAddress(), List.copyOf(ports), r.getHostname(), r.getDomainname(), r.getAliasesList(),
        new Dns(r.getDnsServersList(), r.getDnsSearchList(), r.getDnsOptionsList()),
        r.getExtraHostsList(), r.getLabelsMap(), r.getIp6(), r.getLinkLocalIpsList(),
        r.getResolvConfStyle() == ResolvConfStyle.RESOLV_CONF_CONTAINERD);
  }

  static Attachment attachment(AttachmentInfo a) {
    Attachment.Builder b = Attachment.newBuilder()
        .setContainerId(a.containerId())
        .setNetwork(a.network())
        .setMode(mode(a.mode()))
        .setNetnsPath(a.netns())
        .setNetnsPinned(a.netnsPinned())
        .setInterfaceName(a.interfaceName())
        .setHostInterface(a.hostInterface())
        .setHostname(a.hostname())
        .setDomainname(a.domainname())
        .setEndpointId(a.endpointId())
        .setSandboxId(a.sandboxId())
        .addAllAliases(a.aliases())
        .addAllLinkLocalIps(a.linkLocalIps().stream().map(Object::toString).toList())
        .setResult(result(a))
        .setFiles(ContainerFiles.newBuilder()
            .setHosts(a.files().hosts().toString())
            .setHostname(a.files().hostname().toString())
            .setResolvConf(a.files().resolvConf().toString()))
        .putAllLabels(a.labels())
        .setCreatedAt(EpochNanos.toTimestamp(a.createdAt()));
    for (PortMapping p : a.ports()) {
      b.addPortMappings(berth.network.v1.PortMapping.newBuilder()
          .setHostIp(p.hostIp().toString())
          .setHostPort(p.hostPort())
          .setContainerPort(p.containerPort())
          .setProtocol(p.protocol().lowerCase()));
    }
    for (HostEntry e : a.extraHosts()) {
      b.addExtraHosts(e.name() + ":" + e.ip());
    }
    return b.build();
  }

  static AttachmentStatsResponse stats(NetworkStats stats) {
    AttachmentStatsResponse.Builder b = AttachmentStatsResponse.newBuilder()
        .setTimestamp(EpochNanos.toTimestamp(stats.timestamp()));
    for (InterfaceStats i : stats.interfaces()) {
      b.addInterfaces(berth.network.v1.InterfaceStats.newBuilder()
          .setName(i.name())
          .setRxBytes(i.rxBytes())
          .setRxPackets(i.rxPackets())
          .setRxErrors(i.rxErrors())
          .setRxDropped(i.rxDropped())
          .setTxBytes(i.txBytes())
          .setTxPackets(i.txPackets())
          .setTxErrors(i.txErrors())
          .setTxDropped(i.txDropped()));
    }
    return b.build();
  }

  /** What a CNI bridge plugin (or the loopback plugin, for NONE) would print for this attachment. */
  static CniResult result(AttachmentInfo a) {
    CniResult.Builder r = CniResult.newBuilder().setCniVersion(CNI_VERSION);
    if (a.mode() == Mode.BRIDGE) {
      r.addInterfaces(CniResult.Interface.newBuilder().setName(a.hostInterface()).setMac(a.hostMac()));
    }
    if (a.hasAddress()) {
      r.addInterfaces(CniResult.Interface.newBuilder().setName(a.interfaceName()).setMac(a.mac())
          .setSandbox(a.netns()));
      r.addIps(CniResult.IpConfig.newBuilder()
          .setAddress(a.ip() + "/" + a.subnet().prefix())
          .setGateway(a.gateway().toString())
          .setInterface(r.getInterfacesCount() - 1));
      if (a.defaultRoute()) {
        r.addRoutes(CniResult.Route.newBuilder().setDst("0.0.0.0/0").setGw(a.gateway().toString()));
      }
      if (a.ipv6() != null) {
        r.addIps(CniResult.IpConfig.newBuilder()
            .setAddress(a.ipv6().ip() + "/" + a.ipv6().subnet().prefix())
            .setGateway(a.ipv6().gateway().toString())
            .setInterface(r.getInterfacesCount() - 1));
        if (a.defaultRoute()) {
          r.addRoutes(CniResult.Route.newBuilder().setDst("::/0").setGw(a.ipv6().gateway().toString()));
        }
      }
    } else if (a.mode() == Mode.NONE) {
      r.addInterfaces(CniResult.Interface.newBuilder().setName("lo").setMac("00:00:00:00:00:00")
          .setSandbox(a.netns()));
      r.addIps(CniResult.IpConfig.newBuilder().setAddress("127.0.0.1/8").setInterface(0));
    }
    r.setDns(CniResult.Dns.newBuilder()
        .addAllNameservers(a.dns().nameservers())
        .addAllSearch(a.dns().search())
        .addAllOptions(a.dns().options()));
    return r.build();
  }

  private static berth.network.v1.Mode mode(Mode m) {
    return switch (m) {
      case BRIDGE -> berth.network.v1.Mode.BRIDGE;
      case HOST -> berth.network.v1.Mode.HOST;
      case NONE -> berth.network.v1.Mode.NONE;
      case CONTAINER -> berth.network.v1.Mode.CONTAINER;
    };
  }
}
