package dev.berth.client.network;

import static dev.berth.client.RemoteCalls.call;
import static dev.berth.client.RemoteCalls.run;

import berth.network.v1.AddressPool;
import berth.network.v1.AttachRequest;
import berth.network.v1.ResolvConfStyle;
import berth.network.v1.AttachmentStatsRequest;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.DeleteNetworkRequest;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.ListNetworksRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import berth.network.v1.RenameAttachmentsRequest;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Channels;
import dev.berth.api.network.AttachSpec;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.NetworkManager;
import dev.berth.api.network.NetworkSpec;
import dev.berth.api.network.NetworkStats;
import io.grpc.Channel;
import java.util.List;

/**
 * A {@link NetworkManager} that is the berth.network.v1 Networks and Attachments services behind
 * a channel: attachments go to the namespace each call names, and calls fail with the code the
 * server answers. The channel belongs to the caller; {@link #close()} leaves it open.
 */
public final class GrpcNetworkManager implements NetworkManager {
  private final Channel channel;
  private final NetworksGrpc.NetworksBlockingStub networks;

  /** The services behind {@code channel}, which must send no namespace header of its own. */
  public GrpcNetworkManager(Channel channel) {
    this.channel = channel;
    this.networks = NetworksGrpc.newBlockingStub(channel);
  }

  @Override
  public NetworkInfo createNetwork(NetworkSpec spec) {
    Network.Builder n = Network.newBuilder()
        .setName(spec.name())
        .setDriver(spec.driver())
        .setSubnet(spec.subnet())
        .setGateway(spec.gateway())
        .setBridge(spec.bridge())
        .setMtu(spec.mtu())
        .setInternal(spec.internal())
        .putAllLabels(spec.labels())
        .setIpRange(spec.ipRange())
        .setEnableIpv6(spec.ipv6())
        .setIpv6Subnet(spec.subnet6())
        .setIpv6Gateway(spec.gateway6())
        .setIpv6IpRange(spec.ipRange6())
        .putAllAuxAddresses(spec.auxAddresses())
        .putAllIpamOptions(spec.ipamOptions())
        .addAllMorePools(spec.morePools().stream().map(p -> AddressPool.newBuilder().setSubnet(p.subnet())
            .setGateway(p.gateway()).setIpRange(p.ipRange()).build()).toList());
    if (spec.masquerade() != null) {
      n.setIpMasquerade(spec.masquerade());
    }
    if (spec.icc() != null) {
      n.setIcc(spec.icc());
    }
    return call(() -> NetworkMessages.network(
        networks.create(CreateNetworkRequest.newBuilder().setNetwork(n).build()).getNetwork()));
  }

  @Override
  public NetworkInfo getNetwork(String name) {
    return call(() -> NetworkMessages.network(
        networks.get(GetNetworkRequest.newBuilder().setName(name).build()).getNetwork()));
  }

  @Override
  public List<NetworkInfo> listNetworks(Filter filter) {
    return call(() -> networks.list(ListNetworksRequest.newBuilder().addAllFilters(filter.sources()).build())
        .getNetworksList().stream().map(NetworkMessages::network).toList());
  }

  @Override
  public void deleteNetwork(String name) {
    run(() -> networks.delete(DeleteNetworkRequest.newBuilder().setName(name).build()));
  }

  @Override
  public AttachmentInfo attach(String namespace, AttachSpec spec) {
    AttachRequest.Builder r = AttachRequest.newBuilder()
        .setContainerId(spec.containerId())
        .setNetwork(spec.network())
        .setNetnsPath(spec.netnsPath())
        .setInterfaceName(spec.interfaceName())
        .setIp(spec.ip())
        .setIp6(spec.ip6())
        .addAllLinkLocalIps(spec.linkLocalIps())
        .setMacAddress(spec.mac())
        .setHostname(spec.hostname())
        .setDomainname(spec.domainname())
        .addAllAliases(spec.aliases())
        .addAllDnsServers(spec.dns().nameservers())
        .addAllDnsSearch(spec.dns().search())
        .addAllDnsOptions(spec.dns().options())
        .addAllExtraHosts(spec.extraHosts())
        .putAllLabels(spec.labels())
        .setResolvConfStyle(spec.containerdResolvConf() ? ResolvConfStyle.RESOLV_CONF_CONTAINERD
            : ResolvConfStyle.RESOLV_CONF_DOCKER);
    spec.ports().forEach(p -> r.addPortMappings(NetworkMessages.port(p)));
    return call(() -> NetworkMessages.attachment(namespace, attachments(namespace).attach(r.build()).getAttachment()));
  }

  @Override
  public void detach(String namespace, String containerId, String network) {
    run(() -> attachments(namespace).detach(
        DetachRequest.newBuilder().setContainerId(containerId).setNetwork(network).build()));
  }

  @Override
  public AttachmentInfo getAttachment(String namespace, String containerId, String network) {
    return call(() -> NetworkMessages.attachment(namespace, attachments(namespace).get(
        GetAttachmentRequest.newBuilder().setContainerId(containerId).setNetwork(network).build()).getAttachment()));
  }

  @Override
  public List<AttachmentInfo> listAttachments(String namespace, Filter filter) {
    return call(() -> attachments(namespace).list(
            ListAttachmentsRequest.newBuilder().addAllFilters(filter.sources()).build())
        .getAttachmentsList().stream().map(a -> NetworkMessages.attachment(namespace, a)).toList());
  }

  @Override
  public void rename(String namespace, String containerId, String oldName, String newName) {
    run(() -> attachments(namespace).rename(RenameAttachmentsRequest.newBuilder().setContainerId(containerId)
        .setOldName(oldName).setNewName(newName).build()));
  }

  @Override
  public NetworkStats stats(String namespace, String containerId) {
    return call(() -> NetworkMessages.stats(attachments(namespace).stats(
        AttachmentStatsRequest.newBuilder().setContainerId(containerId).build())));
  }

  private AttachmentsGrpc.AttachmentsBlockingStub attachments(String namespace) {
    return AttachmentsGrpc.newBlockingStub(Channels.inNamespace(channel, namespace));
  }

  /** The channel is the caller's; there is nothing else to close. */
  @Override
  public void close() {}
}
