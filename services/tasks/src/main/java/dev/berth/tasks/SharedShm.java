package dev.berth.tasks;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.MountSpec;
import dev.berth.linux.Mounts;
import dev.berth.tasks.spec.OciSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The /dev/shm containers share with their IPC namespace, as Docker's {@code --ipc shareable} and
 * {@code --ipc container:NAME} share it. A shareable container's /dev/shm is a tmpfs berthd mounts
 * on the host, in the task's bundle (Docker keeps it in the container's directory), and binds into
 * the container; a container joining that one's IPC namespace binds the same tmpfs.
 *
 * <p>The tmpfs a container mounts for itself cannot be shared: it lives in the container's mount
 * namespace, where a bind from the host does not reach (the kernel binds the directory beneath
 * it), and a path through {@code /proc/PID/root} would follow the links the container's processes
 * plant there, to any of the host's directories. The directory in the bundle is berthd's: the
 * donor's processes change what the tmpfs holds, never which mount a joiner binds.
 */
final class SharedShm {
  private static final Logger LOG = Logger.getLogger(SharedShm.class.getName());
  private static final String SHM = "/dev/shm";
  private static final String DIR = "shm";
  private static final Path HOST_SHM = Path.of(SHM);
  private static final List<String> BIND_OPTIONS = List.of("rbind", "rprivate", "nosuid", "nodev", "noexec");
  /** What the tmpfs of a shareable /dev/shm may be mounted with ({@code name=} for those with a value). */
  private static final List<String> HOST_OPTIONS =
      List.of("size=", "mode=", "nr_inodes=", "nosuid", "nodev", "noexec", "ro", "rw");

  private SharedShm() {}

  /**
   * For a container labelled {@link ContainerLabels#IPC_SHAREABLE}: mounts the tmpfs its spec
   * gives /dev/shm (its size and mode) in the bundle and binds that there instead. One whose spec
   * mounts something else there (a volume, a bind) keeps it and cannot be joined, as in Docker.
   */
  static void mountIfShareable(Container container, OciSpec spec, Path bundle) throws IOException {
    if (!ContainerLabels.IPC_SHAREABLE.equals(container.getLabelsMap().get(ContainerLabels.IPC))) {
      return;
    }
    Optional<List<String>> options = spec.tmpfsOptions(SHM);
    if (options.isEmpty()) {
      return;
    }
    List<String> hostOptions = hostOptions(options.get());
    Path dir = bundle.resolve(DIR);
    Files.createDirectory(dir);
    try {
      Mounts.mount(new MountSpec("tmpfs", "shm", hostOptions), dir);
    } catch (ErrnoException e) {
      throw new IOException("cannot mount the shareable /dev/shm at " + dir + ": " + e.getMessage(), e);
    }
    spec.bindInPlaceOfTmpfs(SHM, dir.toString(), hostOptions.contains("ro")
        ? Stream.concat(BIND_OPTIONS.stream(), Stream.of("ro")).toList() : BIND_OPTIONS);
  }

  /**
   * The spec's tmpfs options for berthd's own mount on the host: the tmpfs's size and mode and the
   * flags that only take from what it allows. Anything else is refused: {@code bind} or
   * {@code rbind} would bind a path relative to berthd, {@code shared} and the like change the
   * propagation of a host mount, and {@code exec}, {@code suid} or {@code dev} the shared tmpfs
   * could not keep for its guests, whose bind is always without them (as Docker's).
   */
  static List<String> hostOptions(List<String> specOptions) {
    for (String option : specOptions) {
      String name = option.contains("=") ? option.substring(0, option.indexOf('=') + 1) : option;
      if (!HOST_OPTIONS.contains(name)) {
        throw Errors.invalidArgument("a shareable /dev/shm (label %s=%s) takes only the tmpfs options %s, not %s",
            ContainerLabels.IPC, ContainerLabels.IPC_SHAREABLE, String.join(", ", HOST_OPTIONS), option);
      }
    }
    return List.copyOf(specOptions);
  }

  /**
   * The /dev/shm a container joining {@code donor}'s IPC namespace binds: the host's when the donor
   * shares the host's namespace ({@code --ipc host}), else the donor's shared tmpfs (its own, or
   * the one it joined: {@link #bindForJoiners}); empty when the donor has none (it was not made
   * shareable, nor joined one that was).
   */
  static Optional<Path> of(Task donor, boolean hostNamespace) {
    if (hostNamespace) {
      return Optional.of(HOST_SHM);
    }
    Path dir = donor.bundle.resolve(DIR);
    return RootfsMounts.isMountPoint(dir) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * Binds {@code shm} (from {@link #of}) in the bundle of a container that joined its IPC
   * namespace as well, so that others may join that container in turn, as Docker lets them (its
   * guest shares its donor's /dev/shm); the bind keeps the tmpfs when its donor goes. The host's
   * /dev/shm is not bound: {@link #of} gives it to whoever joins a container in the host's namespace.
   */
  static void bindForJoiners(Path shm, Path bundle) throws IOException {
    if (shm.equals(HOST_SHM)) {
      return;
    }
    Path dir = bundle.resolve(DIR);
    Files.createDirectory(dir);
    try {
      Mounts.mount(new MountSpec("bind", shm.toString(), List.of("bind")), dir);
    } catch (ErrnoException e) {
      throw new IOException("cannot bind the shared /dev/shm " + shm + " at " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Binds {@code shm} (from {@link #of}) on the spec's /dev/shm, in place of its own tmpfs. */
  static void bindInto(OciSpec spec, Path shm) {
    spec.bindInPlaceOfTmpfs(SHM, shm.toString(), BIND_OPTIONS);
  }

  /**
   * Detaches the shared tmpfs in the bundle of a task whose init ended (or a guest's bind of it),
   * as Docker's daemon unmounts a shareable container's /dev/shm when it stops: its memory goes
   * then, not when the stopped task is deleted. Guests still running keep it through the bind runc
   * made in their own mount namespace, as in Docker. Taken at every exit tracking sees, those that
   * happened while berthd was down included, so nothing stays mounted after a berthd crash.
   */
  static void unmountAtExit(Task t) {
    if (!unmount(t.bundle, Runnable::run)) {
      LOG.warning(t.who() + ": its shared /dev/shm in " + t.bundle + " is still mounted after its end");
    }
  }

  /**
   * Detaches the bundle's shared tmpfs; containers that joined keep theirs until they end, as in
   * Docker. False when it is still mounted.
   */
  static boolean unmount(Path bundle, Executor release) {
    return RootfsMounts.unmountAll(bundle.resolve(DIR), release);
  }
}
