package dev.berth.tasks;

import containerd.types.Mount;
import dev.berth.api.grpc.Errors;
import dev.berth.api.mount.MountInfo;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.MountOptions;
import dev.berth.linux.MountSpec;
import dev.berth.linux.Mounts;
import dev.berth.linux.Syscalls;
import dev.berth.tasks.runtime.RuntimeErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Mounts a task's rootfs from the mounts a client or snapshotter gives (containerd's format:
 * {@code bind} with {@code rbind,ro|rw}, or {@code overlay} with lowerdir/upperdir/workdir) and
 * takes it down again, also when only part of it went up.
 */
final class RootfsMounts {
  private static final Logger LOG = Logger.getLogger(RootfsMounts.class.getName());
  /** The kernel takes at most a page of mount data. */
  private static final int MAX_DATA = 4095;


  private RootfsMounts() {}

  /** Checks the mounts before anything is mounted: INVALID_ARGUMENT for what cannot work. */
  static void validate(List<Mount> mounts) {
    for (Mount m : mounts) {
      if (!m.getType().equals("bind") && !m.getType().equals("overlay")) {
        throw Errors.invalidArgument("rootfs mount type %s is not supported (bind, overlay)", m.getType());
      }
      if (m.getType().equals("bind") && !m.getSource().startsWith("/")) {
        throw Errors.invalidArgument("rootfs bind mount source %s must be an absolute path", m.getSource());
      }
      if (MountOptions.parse(m.getOptionsList()).data().length() > MAX_DATA) {
        throw Errors.invalidArgument("rootfs %s mount options are longer than %d bytes", m.getType(), MAX_DATA);
      }
    }
  }

  /** Mounts each of {@code mounts} on {@code target} in order; the kernel's refusal comes back as UNKNOWN. */
  static void mount(List<Mount> mounts, Path target) {
    for (Mount m : mounts) {
      // overlay takes any source name but not an empty one
      String source = m.getSource().isEmpty() ? m.getType() : m.getSource();
      try {
        Mounts.mount(new MountSpec(m.getType(), source, m.getOptionsList()), target);
      } catch (ErrnoException e) {
        throw RuntimeErrors.unknown("failed to mount rootfs component: %s", e.getMessage());
      }
    }
  }

  /**
   * Unmounts everything mounted on {@code target} (stacked mounts included); false when something
   * stays. The last unmount of an overlay syncs the whole filesystem of its upper directory (4 to
   * 60 ms here, with other writers about), so each mount is detached while a descriptor of ours
   * still holds it, and the descriptors are closed, which ends the mounts and pays for the sync,
   * on {@code release}: the rootfs is gone from the bundle when this returns.
   */
  static boolean unmountAll(Path target, Executor release) {
    List<Integer> held = new ArrayList<>();
    try {
      for (int i = 0; i < 16 && isMountPoint(target); i++) {
        int fd = Syscalls.open(target);
        held.add(fd);
        Syscalls.unmount(target, Syscalls.MNT_DETACH);
      }
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.ENOENT) {
        LOG.warning("unmount " + target + ": " + e.getMessage());
      }
    } finally {
      if (!held.isEmpty()) {
        release.execute(() -> held.forEach(Syscalls::close));
      }
    }
    return !isMountPoint(target);
  }

  /** Whether something is mounted on {@code path}, from this process's mount table. */
  static boolean isMountPoint(Path path) {
    if (!Files.exists(path)) {
      return false;
    }
    try {
      Path p = path.toRealPath();
      return MountInfo.read(MountInfo.SELF).stream().anyMatch(m -> m.mountPoint().equals(p));
    } catch (IOException e) {
      return false;
    }
  }
}
