/**
 * berthd's garbage collector, containerd's model: {@link dev.berth.gc.Collector} marks from the
 * roots (images, containers, unexpired leases, {@code containerd.io/gc.root} labels) along
 * containerd's {@code gc.ref} labels, parent chains and lease resources, then removes what it
 * did not reach. It owns no store: it reads and removes through the Namespaces, Images, Leases,
 * Containers, Content and Snapshots APIs like any client, so each service keeps its own tables
 * and its own rules for removing (record first, file after). {@link dev.berth.gc.CollectionScheduler}
 * decides when; {@link dev.berth.gc.GarbageCollectorService} serves {@code berth.gc.v1}.
 */
package dev.berth.gc;
