/**
 * containerd's Snapshots and Diff services. Server: {@link dev.berth.snapshots.SnapshotsService}
 * and {@link dev.berth.snapshots.DiffService} (gRPC, thin); domain: a
 * {@link dev.berth.snapshots.Snapshotter}, implemented on overlayfs by
 * {@code overlay.OverlaySnapshotter}; store: its snapshot records in the metadata database and
 * its directories under the root. {@code diff} makes and applies layers; {@code mount},
 * {@code fs} and {@code linux} are the kernel plumbing beneath.
 */
package dev.berth.snapshots;
