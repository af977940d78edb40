package dev.berth.client.containers;

import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.CniResult;
import berth.network.v1.ListAttachmentsRequest;
import containerd.services.containers.v1.Container;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.HostEntrySpec;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import dev.berth.client.NoSuchObjectException;
import io.grpc.Channel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Docker's legacy {@code --link CONTAINER[:ALIAS]} in its simplest meaning: /etc/hosts entries
 * giving the linked container's address, on the new container's network, under its name and the
 * alias. The address is the one it has when the new container is created; no environment
 * variables are set.
 */
record ContainerLink(String container, String alias) {
  /** More containers joining each other's network than anyone chains, so only a loop gets this far. */
  private static final int MAX_JOINED_HOPS = 32;

  /** {@code db} or {@code db:database}; a leading '/' of either is Docker's and left out. */
  static ContainerLink parse(String text) {
    String[] parts = text.split(":", -1);
    String container = parts[0].startsWith("/") ? parts[0].substring(1) : parts[0];
    String alias = parts.length == 2 ? (parts[1].startsWith("/") ? parts[1].substring(1) : parts[1]) : container;
    if (parts.length > 2 || container.isEmpty() || alias.isEmpty()) {
      throw InvalidValueException.of("link", text, "expected CONTAINER[:ALIAS]");
    }
    if (!alias.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
      throw InvalidValueException.of("link", text, "\"" + alias + "\" is not a host name");
    }
    return new ContainerLink(container, alias);
  }

  /**
   * Refuses links on {@code --network none}, which has no addresses to link to (Docker's daemon
   * refuses them with host and container: networks, see {@link NetworkModeConflicts}).
   */
  static void checkNetworkMode(List<ContainerLink> links, String network) {
    if (!links.isEmpty() && network.equals("none")) {
      throw new ClientException("conflicting options: --network none has no addresses to link");
    }
  }

  /**
   * The hosts entries for the linked container on {@code network}: its alias, its name and its
   * short id, Docker's default host name, by which the embedded DNS server knows the alias for
   * that container after a rename, and not for another that takes its name later.
   *
   * @param name the new container's name, for Docker's messages
   */
  List<HostEntrySpec> hostEntries(Channel channel, String network, String name) {
    ContainerClient containers = new ContainerClient(channel);
    Container linked = networkOwner(containers, linkable(containers, container));
    String linkedName = linked.getLabelsMap().getOrDefault(ContainerLabels.NAME, container);
    List<Attachment> attachments = AttachmentsGrpc.newBlockingStub(channel).list(ListAttachmentsRequest.newBuilder()
        .addFilters("container_id==\"" + linked.getId() + "\"").build()).getAttachmentsList();
    if (attachments.isEmpty()) {
      // attachments go with the task: a container without one is not running
      throw new ClientException("Cannot link to a non running container: /" + linkedName + " AS /" + name + "/"
          + alias);
    }
    String ip = attachments.stream().filter(a -> a.getNetwork().equals(network))
        .flatMap(a -> a.getResult().getIpsList().stream()).map(CniResult.IpConfig::getAddress)
        .map(cidr -> cidr.split("/")[0]).findFirst()
        .orElseThrow(() -> new ClientException("Cannot link to /" + linkedName + ", as it does not belong to "
            + (network.equals("bridge") ? "the default network" : "the network " + network)));
    return entries(linkedName, linked.getId(), ip);
  }

  /**
   * The container whose network namespace {@code linked} uses: Docker links to a {@code
   * --network container:X} container's X (following a chain of them, here as far as a loop
   * cannot make it go on for ever).
   */
  private static Container networkOwner(ContainerClient containers, Container linked) {
    Container owner = linked;
    for (int hops = 0; hops < MAX_JOINED_HOPS; hops++) {
      String network = owner.getLabelsMap().getOrDefault(ContainerLabels.NETWORK, "");
      if (!network.startsWith("container:")) {
        return owner;
      }
      owner = linkable(containers, network.substring("container:".length()));
    }
    return owner;
  }

  /**
   * The container {@code argument} names; one that is not there is, as to Docker's daemon, a
   * request it cannot take (exit 125), not a missing object.
   */
  private static Container linkable(ContainerClient containers, String argument) {
    return containers.lookup(argument).orElseThrow(() -> new InvalidParameterException(
        "could not get container for " + argument + ": " + NoSuchObjectException.container(argument).getMessage()));
  }

  /**
   * The alias, the linked container's name and, last whatever the others are, its short id: the
   * embedded DNS server takes only a link's last entry as the container it stands for.
   */
  List<HostEntrySpec> entries(String linkedName, String linkedId, String ip) {
    String shortId = shortId(linkedId);
    Set<String> names = new LinkedHashSet<>(List.of(alias, linkedName));
    names.remove(shortId);
    names.add(shortId);
    return names.stream().map(n -> new HostEntrySpec(n, ip)).toList();
  }

  private static String shortId(String id) {
    return id.substring(0, Math.min(12, id.length()));
  }
}
