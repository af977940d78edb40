/**
 * The Linux calls the JDK lacks, in one place for all services: one direct-mapped libc binding
 * ({@code LibC}, private to this package), thin wrappers that turn failures into
 * {@link dev.berth.linux.ErrnoException} ({@link dev.berth.linux.Syscalls},
 * {@link dev.berth.linux.Xattrs}, {@link dev.berth.linux.Sockets}, {@link dev.berth.linux.Pipe},
 * {@link dev.berth.linux.SeqPacketSocket}), paths resolved by the kernel inside a root of their own
 * and the file calls made through descriptors ({@link dev.berth.linux.InRoot},
 * {@link dev.berth.linux.FileHandle}, {@link dev.berth.linux.FileStat}), and containerd's way of mounting
 * ({@link dev.berth.linux.MountSpec}, {@link dev.berth.linux.MountOptions},
 * {@link dev.berth.linux.Mounts}, {@link dev.berth.linux.TempMount}).
 *
 * <p>What the JDK can do itself (owners and all twelve mode bits through the {@code unix} file
 * attribute view) goes through the JDK and has no wrapper here. Nothing here knows about
 * containers, snapshots or networks.
 */
package dev.berth.linux;
