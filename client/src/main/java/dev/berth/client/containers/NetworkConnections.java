package dev.berth.client.containers;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import berth.network.v1.RenameAttachmentsRequest;
import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ConnectedNetwork;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.HostEntrySpec;
import dev.berth.api.labels.LabelLists;
import dev.berth.api.labels.NetworkAliases;
import dev.berth.client.ClientException;
import dev.berth.client.spec.SpecJson;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code network connect} and {@code disconnect} as Docker has them: what a container is
 * connected to is part of its configuration, kept on its record (its first network in
 * {@link ContainerLabels#NETWORK}, the others as {@link ConnectedNetwork} labels) for every later
 * start, and applied at once to a container whose network namespace exists.
 */
public final class NetworkConnections {
  private static final String NONE = "none";
  /** Docker's daemon's words (ErrConflictNoNetwork) for a network joined to {@code none} mode. */
  private static final String CONFLICTS_WITH_NONE =
      "container cannot be connected to multiple networks with one of the networks in private (none) mode";
  private static final String HOST = "host";
  /** Docker's daemon's words (ErrConflictHostNetwork) for the host network joined to another mode. */
  private static final String CONFLICTS_WITH_HOST =
      "container cannot be disconnected from host network or connected to host network";

  private final Channel channel;
  private final ContainerClient containers;
  private final AttachmentsGrpc.AttachmentsBlockingStub attachments;
  private final NetworksGrpc.NetworksBlockingStub networks;

  /** The services behind {@code channel}, which names the containers' namespace. */
  public NetworkConnections(Channel channel) {
    this.channel = channel;
    this.containers = new ContainerClient(channel);
    this.attachments = AttachmentsGrpc.newBlockingStub(channel);
    this.networks = NetworksGrpc.newBlockingStub(channel);
  }

  /** The names of the networks the record connects the container to, its first one first. */
  public static List<String> networks(Container record) {
    List<String> names = new ArrayList<>();
    String first = record.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, "");
    if (!first.isEmpty() && !first.startsWith("container:") && !leftWithoutNetworks(record)) {
      names.add(first);
    }
    try {
      ConnectedNetwork.of(record.getLabelsMap()).forEach(n -> names.add(n.network()));
    } catch (IllegalArgumentException e) {
      // a label no berthctl wrote; the tasks service refuses it at the next start
    }
    return names;
  }

  /**
   * Whether every network of the container was disconnected: it then starts in {@code none} mode
   * (loopback alone) but, unlike a container run with {@code --network none}, takes a network
   * connected later, as Docker's keeps its HostConfig.NetworkMode and an empty set of networks.
   * A record without a HostConfig (made before berthctl kept one) counts as such too, and so does
   * one run with {@code --network none} whose last network was disconnected; one connected to
   * {@code none} again does not.
   */
  public static boolean leftWithoutNetworks(Container record) {
    Map<String, String> labels = record.getLabelsMap();
    String mark = labels.getOrDefault(ContainerLabels.NONE_DISCONNECTED, "");
    return NONE.equals(labels.get(ContainerLabels.NETWORK))
        && (mark.isEmpty() ? !NONE.equals(ContainerConfig.of(record).hostConfig().path("NetworkMode").asText(""))
            : ContainerLabels.TRUE.equals(mark));
  }

  /** The aliases (besides its name) the record gives the container on {@code network}. */
  public static List<String> aliases(Container record, String network) {
    Map<String, String> labels = record.getLabelsMap();
    if (network.equals(labels.get(ContainerLabels.NETWORK))) {
      return LabelLists.split(labels.get(ContainerLabels.NETWORK_ALIASES));
    }
    try {
      return ConnectedNetwork.of(labels).stream().filter(n -> n.network().equals(network)).findFirst()
          .map(ConnectedNetwork::aliases).orElse(List.of());
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * Whether {@code network connect} joined the container to {@code network}, rather than the
   * {@code --network} flags it was created with: as Docker's CLI gives an endpoint IPAM config on
   * every connect, only those record one without addresses ({@link ContainerLabels#IPAM_CONFIG}
   * for the first network), and a created one is given no addresses beside the first network's.
   */
  public static boolean connectedLater(Container record, String network) {
    Map<String, String> labels = record.getLabelsMap();
    if (network.equals(labels.get(ContainerLabels.NETWORK))) {
      return ContainerLabels.TRUE.equals(labels.get(ContainerLabels.IPAM_CONFIG));
    }
    return ipamConfig(record, network).isPresent();
  }

  /**
   * Docker's endpoint IPAM config of the record on {@code network}: the addresses it asks for there
   * ({@code --ip}, {@code --ip6}, each empty when the next free one is taken, and
   * {@code --link-local-ip}), as a connection; none when it was given none, as for a network of
   * {@code run --network} without an address (a {@code network connect} gives one always, as
   * Docker's CLI does).
   */
  public static Optional<ConnectedNetwork> ipamConfig(Container record, String network) {
    Map<String, String> labels = record.getLabelsMap();
    try {
      if (network.equals(labels.get(ContainerLabels.NETWORK))) {
        ConnectedNetwork first = new ConnectedNetwork(network, labels.getOrDefault(ContainerLabels.IP, ""),
            labels.getOrDefault(ContainerLabels.IP6, ""), LabelLists.split(labels.get(ContainerLabels.LINK_LOCAL_IPS)),
            List.of(), List.of(), ContainerLabels.TRUE.equals(labels.get(ContainerLabels.IPAM_CONFIG)));
        return first.ipamConfig() ? Optional.of(first) : Optional.empty();
      }
      return ConnectedNetwork.of(labels).stream().filter(n -> n.network().equals(network) && n.ipamConfig())
          .findFirst();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Connects the container to the network (named, or by id or id prefix): now, if its network namespace exists, and at
   * every later start. A container with no network left takes it as its first, at once if it runs.
   *
   * @param links Docker's {@code --link CONTAINER[:ALIAS]} of {@code network connect}: /etc/hosts
   *     entries of the container's own for the linked containers' addresses on this network (a
   *     user-defined one), as {@code run --link} makes them, which go when it is disconnected
   * @throws io.grpc.StatusRuntimeException NOT_FOUND for an unknown network, ALREADY_EXISTS when
   *     the container runs connected to it (one that does not run is left as it is), FAILED_PRECONDITION when it shares another's or the host's network,
   *     INVALID_ARGUMENT when it or the network is in {@code none} mode
   * @throws dev.berth.client.ClientException for links on the default network, or to a container
   *     not running on this one; {@link dev.berth.client.InvalidParameterException} for an address
   *     the network cannot give (malformed, outside its subnets, on the default network)
   * @throws dev.berth.api.InvalidValueException for an alias no label can hold
   */
  public void connect(Container record, String nameOrId, String ip, String ip6, List<String> linkLocalIps,
      List<String> aliases, List<String> links) {
    if (nameOrId.equals(NONE) || nameOrId.equals(HOST)) {
      // Docker's predefined networks, which the network service keeps no record of
      refuseEndpointSettings(ip, ip6, linkLocalIps, aliases, links);
      if (nameOrId.equals(NONE)) {
        connectNone(record, linkLocalIps);
      } else {
        connectHost(record);
      }
      return;
    }
    Network found = networks.get(GetNetworkRequest.newBuilder().setName(nameOrId).build()).getNetwork();
    String network = found.getName();
    Map<String, String> labels = record.getLabelsMap();
    String first = labels.getOrDefault(ContainerLabels.NETWORK, "");
    String name = ContainerState.name(record);
    boolean alreadyConnected = refuseConnected(record, network);
    if (!links.isEmpty() && found.getIsDefault()) {
      throw new ClientException("links are only supported for user-defined networks");
    }
    // now, as Docker's daemon checks them, not at the next start of a stopped container
    RequestedAddresses.check("", found.getIsDefault() ? null : found, ip, ip6, linkLocalIps, aliases);
    aliases.forEach(NetworkAliases::checked);
    if (alreadyConnected) {
      return;
    }
    List<HostEntrySpec> hosts = new ArrayList<>();
    for (String link : links) {
      hosts.addAll(ContainerLink.parse(link).hostEntries(channel, network, name));
    }
    // a container run with --network none keeps to it, as Docker's (which refuses a network joined to none)
    boolean leftWithoutNetworks = leftWithoutNetworks(record);
    if (first.equals(NONE) && !leftWithoutNetworks) {
      throw Status.INVALID_ARGUMENT.withDescription(CONFLICTS_WITH_NONE).asRuntimeException();
    }
    // Docker's CLI sends an IPAM config, addresses or none, on every connect
    ConnectedNetwork connection = new ConnectedNetwork(network, ip, ip6, linkLocalIps, aliases, hosts, true);
    List<Attachment> current = attachments(record.getId());
    if (leftWithoutNetworks && !current.isEmpty()) {
      // started since its last network went, it runs in none mode, which this network replaces; a
      // connect failing after leaves it with loopback alone, as a disconnect of its last network does
      attachments.detach(DetachRequest.newBuilder().setContainerId(record.getId()).setNetwork(NONE).build());
      current = List.of();
    }
    boolean live = !current.isEmpty();
    if (!live && leftWithoutNetworks) {
      // a container whose every network was disconnected runs on in its namespace with loopback
      // alone: it takes this one now, as its first, as Docker's sandbox outlives its networks
      int pid = ContainerState.of(channel, record).pid();
      if (pid != 0) {
        attachments.attach(firstAttachment(record, connection, hosts, pid));
      }
      Map<String, String> primary = new HashMap<>();
      // the mark stays: the container is left without networks again once this one goes
      primary.put(ContainerLabels.NETWORK, network);
      primary.put(ContainerLabels.IP, connection.ip());
      primary.put(ContainerLabels.IP6, connection.ip6());
      primary.put(ContainerLabels.LINK_LOCAL_IPS, Optional.ofNullable(LabelLists.join(linkLocalIps)).orElse(""));
      primary.put(ContainerLabels.NETWORK_ALIASES, Optional.ofNullable(LabelLists.join(aliases)).orElse(""));
      primary.put(ContainerLabels.IPAM_CONFIG, ContainerLabels.TRUE);
      primary.putAll(withAddedHosts(labels, hosts));
      try {
        containers.updateLabels(record.getId(), primary);
      } catch (RuntimeException e) {
        if (pid != 0) {
          attachments.detach(DetachRequest.newBuilder().setContainerId(record.getId()).setNetwork(network).build());
        }
        throw e;
      }
      return;
    }
    if (live) {
      attachments.attach(AttachRequest.newBuilder().setContainerId(record.getId()).setNetwork(network)
          .setIp(connection.ip()).setIp6(connection.ip6()).addAllLinkLocalIps(connection.linkLocalIps())
          .addAllAliases(connection.peerNames(labels.getOrDefault(ContainerLabels.NAME, "")))
          .addAllExtraHosts(hosts.stream().map(HostEntrySpec::labelValue).toList())
          .build());
    }
    try {
      containers.updateLabels(record.getId(), connection.labels());
    } catch (RuntimeException e) {
      if (live) {
        attachments.detach(DetachRequest.newBuilder().setContainerId(record.getId()).setNetwork(network).build());
      }
      throw e;
    }
  }

  /**
   * Refuses what a network mode ({@code none}, {@code host}) cannot give: addresses, aliases and
   * links. Docker's daemon checks the endpoint settings before anything else, so these come first,
   * whether the container runs or not and whatever network it is on.
   */
  private static void refuseEndpointSettings(String ip, String ip6, List<String> linkLocalIps,
      List<String> aliases, List<String> links) {
    RequestedAddresses.check("", null, ip, ip6, linkLocalIps, aliases);
    if (!links.isEmpty()) {
      throw new ClientException("links are only supported for user-defined networks");
    }
  }

  /**
   * {@code network connect host}: the host's network is a mode, which the network service keeps no
   * record of. As Docker's daemon, a container run with {@code --network host} is on it already
   * (nothing changes when it is not running), and any other is refused, since the host's network
   * joins no other.
   */
  private void connectHost(Container record) {
    if (!record.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, "").equals(HOST)) {
      throw Status.INVALID_ARGUMENT.withDescription(CONFLICTS_WITH_HOST).asRuntimeException();
    }
    if (ContainerState.of(channel, record).running()) {
      throw Status.ALREADY_EXISTS.withDescription("endpoint with name " + ContainerState.name(record)
          + " already exists in network " + HOST).asRuntimeException();
    }
  }

  /**
   * {@code network connect none}: as Docker's daemon, a container left without networks goes back
   * to none mode (loopback alone), and one on any other network is refused, since none joins no
   * other.
   */
  private void connectNone(Container record, List<String> linkLocalIps) {
    boolean alreadyConnected = refuseConnected(record, NONE);
    if (!alreadyConnected && !leftWithoutNetworks(record)) {
      throw Status.INVALID_ARGUMENT.withDescription(CONFLICTS_WITH_NONE).asRuntimeException();
    }
    if (alreadyConnected) {
      return;
    }
    int pid = ContainerState.of(channel, record).pid();
    // one started since its last network went runs in none mode already
    boolean attach = pid != 0 && attachments(record.getId()).isEmpty();
    if (attach) {
      attachments.attach(firstAttachment(record, new ConnectedNetwork(NONE, "", "", linkLocalIps, List.of(),
          List.of(), true), List.of(), pid).toBuilder().clearPortSpecs().build());
    }
    Map<String, String> none = new HashMap<>();
    none.put(ContainerLabels.NONE_DISCONNECTED, ContainerLabels.NONE_CONNECTED);
    none.put(ContainerLabels.IP, "");
    none.put(ContainerLabels.IP6, "");
    none.put(ContainerLabels.LINK_LOCAL_IPS, Optional.ofNullable(LabelLists.join(linkLocalIps)).orElse(""));
    none.put(ContainerLabels.NETWORK_ALIASES, "");
    none.put(ContainerLabels.IPAM_CONFIG, ContainerLabels.TRUE);
    try {
      containers.updateLabels(record.getId(), none);
    } catch (RuntimeException e) {
      if (attach) {
        attachments.detach(DetachRequest.newBuilder().setContainerId(record.getId()).setNetwork(NONE).build());
      }
      throw e;
    }
  }

  /**
   * Refuses, in Docker's daemon's words, a connect of a running container connected to
   * {@code network} already (ALREADY_EXISTS), or of one sharing another's or the host's network
   * namespace (FAILED_PRECONDITION). True for a container that is not running and is connected to
   * it already: Docker's daemon keeps the settings it has and answers success, the connect being
   * no more than a change of settings until the container starts.
   */
  private boolean refuseConnected(Container record, String network) {
    String first = record.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, "");
    String name = ContainerState.name(record);
    if (networks(record).contains(network)) {
      if (!ContainerState.of(channel, record).running()) {
        return true;
      }
      throw Status.ALREADY_EXISTS.withDescription("endpoint with name " + name + " already exists in network "
          + network).asRuntimeException();
    }
    if (first.equals("host") || first.startsWith("container:")) {
      throw Status.FAILED_PRECONDITION.withDescription("container " + name + " shares the network namespace of "
          + ("host".equals(first) ? "the host" : first.substring("container:".length()))
          + " and cannot be connected to any other network").asRuntimeException();
    }
    return false;
  }

  /**
   * Disconnects the container from the network (named, or by id or id prefix), now and for later starts. Its first network
   * given up, the next connected one takes its place, or none is left. As Docker's daemon, a network
   * that is not there is looked for among the container's own only when it is not running or
   * {@code force} is given: a container may still name a network removed since.
   *
   * @throws io.grpc.StatusRuntimeException NOT_FOUND for an unknown network (of a running container,
   *     without {@code force}) or one the container is not connected to; INVALID_ARGUMENT for the
   *     host's network of a running container run with {@code --network host}
   */
  public void disconnect(Container record, String nameOrId, boolean force) {
    String id = record.getId();
    List<Attachment> live = attachments(id);
    // by its task, as Docker's daemon: a running container may have no network left
    boolean running = ContainerState.of(channel, record).running();
    if (nameOrId.equals(HOST) && running && HOST.equals(record.getLabelsMap().get(ContainerLabels.NETWORK))) {
      // as Docker's daemon, forced or not: the host's network is the running container's only one
      throw Status.INVALID_ARGUMENT.withDescription(CONFLICTS_WITH_HOST).asRuntimeException();
    }
    String network;
    boolean found = true;
    try {
      // none and host are Docker's predefined networks, which the network service keeps no record of
      network = nameOrId.equals(NONE) || nameOrId.equals(HOST) ? nameOrId
          : networks.get(GetNetworkRequest.newBuilder().setName(nameOrId).build()).getNetwork().getName();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND || running && !force) {
        throw e;
      }
      network = nameOrId;
      found = false;
    }
    String name = network;
    // the none mode a container left without networks starts in is no network of its own
    boolean attached = live.stream().anyMatch(a -> a.getNetwork().equals(name))
        && !(name.equals(NONE) && leftWithoutNetworks(record));
    List<String> configured = networks(record);
    if (!attached && !configured.contains(network)) {
      // Docker's daemon's words, which name the container by its full id, and say "the network" of a
      // container that is not running or of a network forced that is not there
      throw Status.NOT_FOUND.withDescription("container " + id + " is not connected to "
          + (running && found ? "network " : "the network ") + network).asRuntimeException();
    }
    if (attached) {
      attachments.detach(DetachRequest.newBuilder().setContainerId(id).setNetwork(network).build());
    }
    Map<String, String> labels = record.getLabelsMap();
    Map<String, String> update = new HashMap<>();
    if (network.equals(labels.get(ContainerLabels.NETWORK))) {
      List<ConnectedNetwork> others = ConnectedNetwork.of(labels);
      Optional<ConnectedNetwork> next = others.stream().findFirst();
      update.put(ContainerLabels.NETWORK, next.map(ConnectedNetwork::network).orElse(NONE));
      if (next.isEmpty()) {
        // as Docker's daemon, which then has no network for the container and lets it join one,
        // whether the last one was none or one connected after none was disconnected
        update.put(ContainerLabels.NONE_DISCONNECTED, ContainerLabels.TRUE);
      }
      update.put(ContainerLabels.IP, next.map(ConnectedNetwork::ip).orElse(""));
      update.put(ContainerLabels.IP6, next.map(ConnectedNetwork::ip6).orElse(""));
      update.put(ContainerLabels.LINK_LOCAL_IPS, next.map(n -> LabelLists.join(n.linkLocalIps())).orElse(""));
      update.put(ContainerLabels.NETWORK_ALIASES,
          next.map(n -> LabelLists.join(n.aliases())).orElse(""));
      update.put(ContainerLabels.IPAM_CONFIG,
          next.filter(ConnectedNetwork::ipamConfig).map(n -> ContainerLabels.TRUE).orElse(""));
      next.ifPresent(n -> update.putAll(ConnectedNetwork.removal(n.network())));
      // the first network's hosts entries are the container's own: the next one's links join them
      next.ifPresent(n -> update.putAll(withAddedHosts(labels, n.hosts())));
      if (next.isEmpty()) {
        // the MAC address is the endpoint's, as Docker's; the ports stay the container's own, for
        // the next network connected to publish (Docker keeps them in its HostConfig)
        update.put(ContainerLabels.MAC_ADDRESS, "");
      }
    } else {
      update.putAll(ConnectedNetwork.removal(network));
    }
    containers.updateLabels(id, update);
  }

  /**
   * After the container's record took {@code newName}: its peers on the networks it is attached to
   * find it by that name, no more by {@code oldName}, as Docker's DNS server answers. A later
   * start attaches it under the record's name anyway.
   */
  public void renamed(String containerId, String oldName, String newName) {
    attachments.rename(RenameAttachmentsRequest.newBuilder().setContainerId(containerId).setOldName(oldName)
        .setNewName(newName).build());
  }

  /**
   * The attachment a start makes first, for the running container whose process {@code pid}
   * keeps the network namespace: its ports, names, resolvers and hosts entries with the
   * connection's endpoint, owned by its task (detached with it, as the ones a start makes).
   */
  private static AttachRequest firstAttachment(Container record, ConnectedNetwork connection,
      List<HostEntrySpec> links, int pid) {
    Map<String, String> labels = record.getLabelsMap();
    List<String> extraHosts = new ArrayList<>(LabelLists.split(labels.get(ContainerLabels.ADD_HOSTS)));
    links.forEach(h -> extraHosts.add(h.labelValue()));
    return AttachRequest.newBuilder().setContainerId(record.getId()).setNetwork(connection.network())
        .setNetnsPath("/proc/" + pid + "/ns/net")
        .addAllPortSpecs(LabelLists.split(labels.get(ContainerLabels.PORTS)))
        .setHostname(labels.getOrDefault(ContainerLabels.HOSTNAME, "").strip())
        .setDomainname(SpecJson.tree(record).path("domainname").asText(""))
        .setIp(connection.ip()).setIp6(connection.ip6()).addAllLinkLocalIps(connection.linkLocalIps())
        .addAllDnsServers(LabelLists.split(labels.get(ContainerLabels.DNS)))
        .addAllDnsSearch(LabelLists.split(labels.get(ContainerLabels.DNS_SEARCH)))
        .addAllDnsOptions(LabelLists.split(labels.get(ContainerLabels.DNS_OPTIONS)))
        .addAllExtraHosts(extraHosts)
        .addAllAliases(connection.peerNames(labels.getOrDefault(ContainerLabels.NAME, "")))
        .putLabels(ContainerLabels.ATTACHED_BY, ContainerLabels.ATTACHED_BY_TASKS)
        .build();
  }

  /** The {@link ContainerLabels#ADD_HOSTS} label with {@code hosts} after the entries it has; nothing to change without any. */
  private static Map<String, String> withAddedHosts(Map<String, String> labels, List<HostEntrySpec> hosts) {
    if (hosts.isEmpty()) {
      return Map.of();
    }
    List<String> all = new ArrayList<>(LabelLists.split(labels.get(ContainerLabels.ADD_HOSTS)));
    hosts.forEach(h -> all.add(h.labelValue()));
    return Map.of(ContainerLabels.ADD_HOSTS, LabelLists.join(all));
  }

  private List<Attachment> attachments(String containerId) {
    return attachments.list(ListAttachmentsRequest.newBuilder()
        .addFilters("container_id==\"" + containerId + "\"").build()).getAttachmentsList();
  }
}
