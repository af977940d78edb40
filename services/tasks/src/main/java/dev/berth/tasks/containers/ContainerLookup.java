package dev.berth.tasks.containers;

import containerd.services.containers.v1.Container;
import java.util.function.BiConsumer;

/**
 * What the Tasks service needs from the Containers domain: a container's record, a label it
 * keeps on the record (what outlives a task, such as an OOM kill), and word of deleted records
 * (whose logs go with them).
 */
public interface ContainerLookup {
  /** The container {@code id} of {@code namespace}; NOT_FOUND when there is none. */
  Container get(String namespace, String id);

  /** Sets one label of the container's record; an empty value removes it. NOT_FOUND when there is no record. */
  void setLabel(String namespace, String id, String key, String value);

  /**
   * Calls {@code listener} with namespace and id after each record is deleted; the returned
   * action stops that.
   */
  Runnable whenDeleted(BiConsumer<String, String> listener);
}
