package dev.berth.linux;

import static dev.berth.linux.MountOptions.MS_BIND;
import static dev.berth.linux.MountOptions.MS_REC;
import static dev.berth.linux.MountOptions.MS_REMOUNT;
import static dev.berth.linux.MountOptions.MS_SILENT;
import static dev.berth.linux.MountOptions.PROPAGATION;

import java.nio.file.Path;
import java.util.List;

/** Mounts described the containerd way ({@link MountSpec}) with mount(2), and takes them down. */
public final class Mounts {
  private Mounts() {}

  /**
   * Mounts {@code mount} on {@code target} as containerd does: the mount with every flag but the
   * propagation type, then the propagation type, then, for a bind mount, a remount that applies
   * its flags. Takes the new mount down again when a later step fails.
   */
  public static void mount(MountSpec mount, Path target) throws ErrnoException {
    MountOptions options = MountOptions.parse(mount.options());
    long flags = options.flags() | (mount.type().equals("bind") ? MS_BIND : 0);
    long mountFlags = flags & ~PROPAGATION;
    boolean remount = (flags & MS_REMOUNT) != 0;
    // The kernel ignores every flag but MS_REC on a new bind mount: read-only, nosuid and the
    // like take effect only through a remount of the bind.
    boolean bindFlags = (mountFlags & MS_BIND) != 0 && (mountFlags & ~(MS_BIND | MS_REC | MS_REMOUNT)) != 0;
    // a bind remount without new data would only repeat that flag remount
    boolean first = !(remount && bindFlags && options.data().isEmpty());
    if (first) {
      Syscalls.mount(mount.source(), target, mount.type(), mountFlags, options.data());
    }
    try {
      if ((flags & PROPAGATION) != 0) {
        Syscalls.mount("", target, "", flags & (PROPAGATION | MS_REC | MS_SILENT), null);
      }
      if (bindFlags) {
        Syscalls.mount("", target, "", mountFlags | MS_REMOUNT, null);
      }
    } catch (ErrnoException e) {
      if (first && !remount) {
        try {
          unmount(target);
        } catch (ErrnoException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Mounts each of {@code mounts} on {@code target} in order, undoing them all if one fails. */
  public static void mountAll(List<MountSpec> mounts, Path target) throws ErrnoException {
    int done = 0;
    try {
      for (MountSpec m : mounts) {
        mount(m, target);
        done++;
      }
    } catch (ErrnoException e) {
      for (int i = 0; i < done; i++) {
        try {
          unmount(target);
        } catch (ErrnoException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Unmounts the top mount on {@code target}; a busy mount is detached so it goes once unused. */
  public static void unmount(Path target) throws ErrnoException {
    try {
      Syscalls.unmount(target, 0);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EBUSY) {
        throw e;
      }
      Syscalls.unmount(target, Syscalls.MNT_DETACH);
    }
  }
}
