package dev.berth.snapshots.mount;

import dev.berth.snapshots.linux.ErrnoException;
import dev.berth.snapshots.linux.Syscalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Performs containerd-style mounts with mount(2): option words become flags, the rest is file system data. */
public final class Mounter {
  private record Flag(boolean clear, long flag) {}

  private static final Map<String, Flag> FLAGS = Map.ofEntries(
      Map.entry("async", new Flag(true, Syscalls.MS_SYNCHRONOUS)),
      Map.entry("atime", new Flag(true, Syscalls.MS_NOATIME)),
      Map.entry("bind", new Flag(false, Syscalls.MS_BIND)),
      Map.entry("defaults", new Flag(false, 0)),
      Map.entry("dev", new Flag(true, Syscalls.MS_NODEV)),
      Map.entry("diratime", new Flag(true, Syscalls.MS_NODIRATIME)),
      Map.entry("dirsync", new Flag(false, Syscalls.MS_DIRSYNC)),
      Map.entry("exec", new Flag(true, Syscalls.MS_NOEXEC)),
      Map.entry("mand", new Flag(false, Syscalls.MS_MANDLOCK)),
      Map.entry("noatime", new Flag(false, Syscalls.MS_NOATIME)),
      Map.entry("nodev", new Flag(false, Syscalls.MS_NODEV)),
      Map.entry("nodiratime", new Flag(false, Syscalls.MS_NODIRATIME)),
      Map.entry("noexec", new Flag(false, Syscalls.MS_NOEXEC)),
      Map.entry("nomand", new Flag(true, Syscalls.MS_MANDLOCK)),
      Map.entry("norelatime", new Flag(true, Syscalls.MS_RELATIME)),
      Map.entry("nostrictatime", new Flag(true, Syscalls.MS_STRICTATIME)),
      Map.entry("nosuid", new Flag(false, Syscalls.MS_NOSUID)),
      Map.entry("rbind", new Flag(false, Syscalls.MS_BIND | Syscalls.MS_REC)),
      Map.entry("relatime", new Flag(false, Syscalls.MS_RELATIME)),
      Map.entry("remount", new Flag(false, Syscalls.MS_REMOUNT)),
      Map.entry("ro", new Flag(false, Syscalls.MS_RDONLY)),
      Map.entry("rw", new Flag(true, Syscalls.MS_RDONLY)),
      Map.entry("strictatime", new Flag(false, Syscalls.MS_STRICTATIME)),
      Map.entry("suid", new Flag(true, Syscalls.MS_NOSUID)),
      Map.entry("sync", new Flag(false, Syscalls.MS_SYNCHRONOUS)));

  private Mounter() {}

  /** Mounts {@code mount} on {@code target}. */
  public static void mount(MountSpec mount, Path target) throws ErrnoException {
    long flags = 0;
    List<String> data = new ArrayList<>();
    for (String option : mount.options()) {
      Flag f = FLAGS.get(option);
      if (f == null) {
        data.add(option);
      } else if (f.clear()) {
        flags &= ~f.flag();
      } else {
        flags |= f.flag();
      }
    }
    String type = mount.type();
    if (type.equals("bind")) {
      flags |= Syscalls.MS_BIND;
    }
    String joined = data.isEmpty() ? null : String.join(",", data);
    Syscalls.mount(mount.source(), target, type, flags, joined);
    // the kernel ignores MS_RDONLY on the first bind mount; a read-only bind needs a remount
    if ((flags & Syscalls.MS_BIND) != 0 && (flags & Syscalls.MS_RDONLY) != 0) {
      try {
        Syscalls.mount("none", target, type,
            flags | Syscalls.MS_REMOUNT | Syscalls.MS_BIND, null);
      } catch (ErrnoException e) {
        unmount(target);
        throw e;
      }
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
