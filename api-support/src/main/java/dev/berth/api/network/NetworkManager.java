package dev.berth.api.network;

import dev.berth.api.filter.Filter;
import java.util.List;

/**
 * Networks and the attachments of containers to them. Networks are host-wide; attachments live
 * in a containerd namespace. Failures are {@code BerthException}s with the status to answer.
 */
public interface NetworkManager extends AutoCloseable {
  NetworkInfo createNetwork(NetworkSpec spec);

  NetworkInfo getNetwork(String name);

  List<NetworkInfo> listNetworks(Filter filter);

  /** Refused while containers are attached, and for the default network. */
  void deleteNetwork(String name);

  /** Connects a container; all or nothing. */
  AttachmentInfo attach(String namespace, AttachSpec spec);

  /** Disconnects a container from {@code network}, or from all of them if empty. Idempotent. */
  void detach(String namespace, String containerId, String network);

  /** The attachment to {@code network}, or the container's first one if empty. */
  AttachmentInfo getAttachment(String namespace, String containerId, String network);

  List<AttachmentInfo> listAttachments(String namespace, Filter filter);

  /**
   * The container, renamed, goes by {@code newName} in place of {@code oldName} among the names
   * of each of its attachments, and the /etc/hosts files that list it follow. Nothing happens to
   * attachments without {@code oldName}, nor to a container not attached.
   */
  void rename(String namespace, String containerId, String oldName, String newName);

  /**
   * The traffic counters of the container's interfaces on bridge networks, read now inside its
   * network namespace (CONTAINER mode: those of the namespace it shares); none in HOST or NONE
   * mode. NOT_FOUND if the container is not attached.
   */
  NetworkStats stats(String namespace, String containerId);

  /** Stops the service's threads; what is in the kernel stays in force. */
  @Override
  void close();
}
