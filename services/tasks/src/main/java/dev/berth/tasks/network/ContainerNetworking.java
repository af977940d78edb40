package dev.berth.tasks.network;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.ContainerFiles;
import berth.network.v1.DetachRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.Mode;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import containerd.services.containers.v1.Container;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ConnectedNetwork;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.HostEntrySpec;
import dev.berth.api.labels.LabelLists;
import dev.berth.api.network.GatewayElection;
import dev.berth.tasks.spec.OciSpec;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.logging.Logger;

/**
 * Networking for containers that ask for it through labels on their record, so that any
 * containerd client can: {@code io.berth.network} ({@code bridge}, {@code host}, {@code none},
 * {@code container:<id>} or a network name; {@code bridge} when only the other labels are
 * given), {@code io.berth.ports} ({@code [HOST_IP:]HOST_PORT:CTR_PORT[/udp]}, comma-separated),
 * {@code io.berth.hostname}, {@code io.berth.ip} and {@code io.berth.ip6} (the addresses to take on a
 * bridge network), {@code io.berth.link-local-ips} (more addresses of that interface, comma-separated),
 * {@code io.berth.dns}, {@code io.berth.dns-search} and {@code io.berth.add-hosts} (NAME:IP), the
 * last three comma-separated, and {@code io.berth.connected.NETWORK} (with
 * {@code io.berth.link-local-ips.NETWORK}) for each further network ({@link ConnectedNetwork}). The network service (berth.network.v1, reached through the API
 * channel) does the work and checks the values; this class asks it and points the container's
 * spec at the result. A container with none of these labels keeps what its spec says.
 */
public final class ContainerNetworking {
  private static final List<String> LABELS = List.of(ContainerLabels.NETWORK, ContainerLabels.PORTS,
      ContainerLabels.HOSTNAME, ContainerLabels.DNS, ContainerLabels.ADD_HOSTS, ContainerLabels.IP,
      ContainerLabels.IP6, ContainerLabels.MAC_ADDRESS, ContainerLabels.DNS_SEARCH, ContainerLabels.DNS_OPTIONS,
      ContainerLabels.LINK_LOCAL_IPS);
  /**
   * Marks the attachments made for a task. No task of the container exists when another is
   * created, so an attachment so marked is then a leftover (of a create or delete that berthd
   * did not finish), to be replaced.
   */
  static final String OWNER_LABEL = ContainerLabels.ATTACHED_BY;
  static final String OWNER = ContainerLabels.ATTACHED_BY_TASKS;
  private static final long DEADLINE_SECONDS = 30;
  /** What an attach request without a network joins. */
  private static final String DEFAULT_NETWORK = "bridge";
  private static final String NONE = "none";
  private static final Logger LOG = Logger.getLogger(ContainerNetworking.class.getName());

  private final Channel api;

  /** @param api a channel to the network service's Attachments API */
  public ContainerNetworking(Channel api) {
    this.api = api;
  }

  /**
   * The attachment the container's labels ask for; empty when it carries none of them.
   *
   * @param domainname the spec's, which the container's own /etc/hosts entry names as Docker's does
   */
  public static Optional<AttachRequest> requested(Container container, String domainname) {
    Map<String, String> labels = container.getLabelsMap();
    if (LABELS.stream().noneMatch(labels::containsKey) && connected(container).isEmpty()) {
      return Optional.empty();
    }
    String network = labels.getOrDefault(ContainerLabels.NETWORK, "").strip();
    return Optional.of(AttachRequest.newBuilder()
        .setContainerId(container.getId())
        .setNetwork(network)
        // a container whose every network was disconnected keeps its ports, as Docker's HostConfig
        // does, for a network connected later: without one there is nothing to publish them on
        .addAllPortSpecs(network.equals(NONE) ? List.of() : LabelLists.split(labels.get(ContainerLabels.PORTS)))
        .setHostname(labels.getOrDefault(ContainerLabels.HOSTNAME, "").strip())
        .setDomainname(domainname)
        .setIp(labels.getOrDefault(ContainerLabels.IP, "").strip())
        .setIp6(labels.getOrDefault(ContainerLabels.IP6, "").strip())
        .setMacAddress(labels.getOrDefault(ContainerLabels.MAC_ADDRESS, "").strip())
        // kept with host and none for inspect, as Docker keeps them, where no interface takes them
        .addAllLinkLocalIps(ownInterface(network) ? LabelLists.split(labels.get(ContainerLabels.LINK_LOCAL_IPS))
            : List.of())
        .addAllDnsServers(LabelLists.split(labels.get(ContainerLabels.DNS)))
        .addAllDnsSearch(LabelLists.split(labels.get(ContainerLabels.DNS_SEARCH)))
        .addAllDnsOptions(LabelLists.split(labels.get(ContainerLabels.DNS_OPTIONS)))
        .addAllExtraHosts(LabelLists.split(labels.get(ContainerLabels.ADD_HOSTS)))
        .addAllAliases(aliases(labels))
        .putLabels(OWNER_LABEL, OWNER)
        .build());
  }

  /** Whether the container has an interface of its own on {@code network}: not with host, none and container:X. */
  private static boolean ownInterface(String network) {
    return !network.equals("host") && !network.equals(NONE) && !network.startsWith("container:");
  }

  /**
   * The attachments to the networks the container was connected to besides its first
   * ({@link ContainerLabels#CONNECTED_PREFIX}), in the order their interfaces take.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT for a malformed label
   */
  public static List<AttachRequest> connected(Container container) {
    List<ConnectedNetwork> networks;
    try {
      networks = ConnectedNetwork.of(container.getLabelsMap());
    } catch (InvalidValueException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    String name = container.getLabelsMap().getOrDefault(ContainerLabels.NAME, "").strip();
    return networks.stream().map(n -> AttachRequest.newBuilder()
        .setContainerId(container.getId())
        .setNetwork(n.network())
        .setIp(n.ip())
        .setIp6(n.ip6())
        .addAllLinkLocalIps(n.linkLocalIps())
        .addAllAliases(n.peerNames(name))
        .addAllExtraHosts(n.hosts().stream().map(HostEntrySpec::labelValue).toList())
        .putLabels(OWNER_LABEL, OWNER)
        .build()).toList();
  }

  /**
   * The container's attachments in the order to make them: the first, which makes the namespace
   * and carries its ports and hostname, is on the network Docker's daemon elects gateway
   * ({@link GatewayElection}), so that the default routes of both families go through it and its
   * ports are published there, whichever order the networks were given in. The network named
   * first by the labels keeps its place, with its address and aliases, unless another wins; then
   * the two trade networks, addresses, MAC address and aliases. A network that cannot be looked
   * up leaves the order as it is, for the attach to report.
   */
  public List<AttachRequest> gatewayFirst(AttachRequest first, List<AttachRequest> more) {
    if (more.isEmpty()) {
      return List.of(first);
    }
    List<AttachRequest> all = new ArrayList<>();
    all.add(first);
    all.addAll(more);
    List<GatewayElection.Candidate> candidates = new ArrayList<>();
    try {
      for (AttachRequest r : all) {
        // an attach without a network (any client but berthctl's) is on bridge, and ranks by that name
        String name = r.getNetwork().isEmpty() ? DEFAULT_NETWORK : r.getNetwork();
        Network n = NetworksGrpc.newBlockingStub(api).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .get(GetNetworkRequest.newBuilder().setName(name).build())
            .getNetwork();
        candidates.add(new GatewayElection.Candidate(name, n.getInternal(), n.getEnableIpv6()));
      }
    } catch (StatusRuntimeException e) {
      return all;
    }
    int won = GatewayElection.winner(candidates).map(candidates::indexOf).orElse(0);
    if (won == 0) {
      return all;
    }
    AttachRequest winner = all.get(won);
    // the --link entries of a connected network stay on it; the container's own --add-host entries
    // go on both, so that disconnecting either network leaves them
    all.set(0, withEndpointOf(first, winner).toBuilder().addAllExtraHosts(winner.getExtraHostsList()).build());
    all.set(won, withEndpointOf(winner, first).toBuilder().clearExtraHosts()
        .addAllExtraHosts(first.getExtraHostsList()).build());
    return all;
  }

  /** {@code request} with the network, addresses, MAC address and aliases of {@code of}. */
  private static AttachRequest withEndpointOf(AttachRequest request, AttachRequest of) {
    return request.toBuilder().setNetwork(of.getNetwork()).setIp(of.getIp()).setIp6(of.getIp6())
        .clearLinkLocalIps().addAllLinkLocalIps(of.getLinkLocalIpsList())
        .setMacAddress(of.getMacAddress()).clearAliases().addAllAliases(of.getAliasesList()).build();
  }

  /**
   * The names peers know the container by besides its id and hostname: its name and its
   * network aliases, as Docker resolves both on user-defined networks (the network service lists
   * peers only there).
   */
  private static List<String> aliases(Map<String, String> labels) {
    List<String> aliases = new ArrayList<>();
    String name = labels.getOrDefault(ContainerLabels.NAME, "").strip();
    if (!name.isEmpty()) {
      aliases.add(name);
    }
    aliases.addAll(LabelLists.split(labels.get(ContainerLabels.NETWORK_ALIASES)));
    return aliases;
  }

  /**
   * Attaches the container, replacing a leftover attachment of an earlier task of it. The
   * network service's status (INVALID_ARGUMENT for a malformed label, NOT_FOUND for an unknown
   * network, ...) reaches the caller as is; a failed attach leaves nothing behind.
   */
  public Attachment attach(String namespace, AttachRequest request) {
    try {
      return attachments(namespace).attach(request).getAttachment();
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      boolean conflict = code == Status.Code.ALREADY_EXISTS || code == Status.Code.FAILED_PRECONDITION;
      if (conflict && detachLeftovers(namespace, request.getContainerId())) {
        return attachments(namespace).attach(request).getAttachment();
      }
      throw e;
    }
  }

  /**
   * Attaches the container, which {@link #attach} attached already, to one more network. A
   * conflict is the caller's to undo: unlike the first, it cannot be a leftover of an earlier task.
   */
  public Attachment attachAlso(String namespace, AttachRequest request) {
    return attachments(namespace).attach(request).getAttachment();
  }

  /** Detaches the container's attachments if every one of them was made for a task; true if it did. */
  private boolean detachLeftovers(String namespace, String containerId) {
    List<Attachment> theirs = attachments(namespace).list(ListAttachmentsRequest.newBuilder()
        .addFilters("container_id==\"" + containerId + "\"").build()).getAttachmentsList();
    if (theirs.isEmpty() || !theirs.stream().allMatch(a -> OWNER.equals(a.getLabelsMap().get(OWNER_LABEL)))) {
      return false;
    }
    LOG.warning("container " + containerId + " in namespace " + namespace
        + " is still attached from an earlier task; detaching it first");
    detach(namespace, containerId);
    return true;
  }

  /**
   * Detaches what tasks attached and no task holds any more: what a crash between Attach and the
   * task's record, or a Detach that failed on Delete, left behind. Runs when berthd starts; if
   * the Namespaces or Attachments service cannot be reached then (services in separate
   * processes starting in another order), it says so and leaves them for the next start.
   */
  public void detachOrphans(BiPredicate<String, String> hasTask) {
    try {
      List<String> namespaces = NamespacesGrpc.newBlockingStub(api).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .list(ListNamespacesRequest.getDefaultInstance()).getNamespacesList().stream()
          .map(Namespace::getName).toList();
      for (String namespace : namespaces) {
        for (Attachment a : attachments(namespace).list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsList()) {
          if (OWNER.equals(a.getLabelsMap().get(OWNER_LABEL)) && !hasTask.test(namespace, a.getContainerId())) {
            LOG.info("detaching " + a.getContainerId() + " in namespace " + namespace
                + " from " + a.getNetwork() + ": no task holds the attachment");
            detach(namespace, a.getContainerId());
          }
        }
      }
    } catch (StatusRuntimeException e) {
      LOG.warning("cannot look for attachments no task holds: " + e.getStatus());
    }
  }

  /** Detaches the container from every network; nothing happens if it is not attached. */
  public void detach(String namespace, String containerId) {
    attachments(namespace).detach(DetachRequest.newBuilder().setContainerId(containerId).build());
  }

  /**
   * Points the spec at the attachment: its network namespace (none of its own in host mode, when
   * the network service's host is ours), its hostname, and the generated /etc/hosts,
   * /etc/hostname and /etc/resolv.conf bind-mounted over the image's.
   */
  public static void configure(OciSpec spec, Attachment attachment, String who) {
    if (attachment.getMode() == Mode.HOST && isOurNetworkNamespace(attachment.getNetnsPath())) {
      spec.leaveOutNetworkNamespace();
    } else {
      spec.joinNetworkNamespace(attachment.getNetnsPath());
    }
    if (!spec.setHostname(attachment.getHostname())) {
      LOG.info(who + ": hostname " + attachment.getHostname() + " not set: the spec shares a UTS namespace");
    }
    ContainerFiles files = attachment.getFiles();
    mount(spec, "/etc/hosts", files.getHosts(), who);
    mount(spec, "/etc/hostname", files.getHostname(), who);
    mount(spec, "/etc/resolv.conf", files.getResolvConf(), who);
  }

  private static void mount(OciSpec spec, String destination, String source, String who) {
    if (!source.isEmpty() && !spec.addBindMount(destination, source)) {
      LOG.info(who + ": the spec mounts its own " + destination + "; the generated one is left out");
    }
  }

  /**
   * Whether {@code path} is berthd's own network namespace. The network service may keep "the
   * host" elsewhere (berthd --network-namespace); a host-mode container must join that one.
   */
  private static boolean isOurNetworkNamespace(String path) {
    if (path.isEmpty()) {
      return true;
    }
    try {
      Path ours = Path.of("/proc/self/ns/net");
      Path theirs = Path.of(path);
      return Objects.equals(Files.getAttribute(ours, "unix:dev"), Files.getAttribute(theirs, "unix:dev"))
          && Objects.equals(Files.getAttribute(ours, "unix:ino"), Files.getAttribute(theirs, "unix:ino"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private AttachmentsGrpc.AttachmentsBlockingStub attachments(String namespace) {
    return AttachmentsGrpc.newBlockingStub(Channels.inNamespace(api, namespace))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }
}
