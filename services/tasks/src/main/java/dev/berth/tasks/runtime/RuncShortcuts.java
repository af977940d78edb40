package dev.berth.tasks.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.FifoDrain;
import dev.berth.tasks.cgroups.CgroupRemoval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Some of runc's work done the way runc does it, without starting runc: each start of the
 * Go binary costs 5 to 30 ms on a small busy host, every {@code ctr run --rm} needs a start
 * and a delete, and a restarted berthd asked for the state of every task it found. runc (1.0 to
 * 1.3) keeps a container in {@code <root>/<id>}:
 * <ul>
 * <li>its create leaves the init process blocked opening {@code exec.fifo} there for writing.
 * {@code runc start} is: open the fifo for reading, read the byte the init process writes,
 * read on until it closes the fifo by running the container's program, remove the fifo. The
 * poststart hooks already ran at create. {@code runc state} tells a live container that still
 * has the fifo "created", and one without it running (paused when its cgroup is frozen).
 * <li>{@code runc delete} of a container that has stopped removes its cgroups and that
 * directory (moved here into the bundle, which goes next), and runs the poststop hooks; a container without a PID namespace of its own also
 * has its leftover processes killed first.
 * </ul>
 * Whatever does not fit (another runtime, no fifo, a poststop hook, a shared PID namespace)
 * goes to the runtime binary itself.
 */
final class RuncShortcuts {
  private static final Logger LOG = Logger.getLogger(RuncShortcuts.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXEC_FIFO = "exec.fifo";
  private static final String STATE = "state.json";
  private static final String DISCARDED_STATE = "runc-state.deleted";

  private RuncShortcuts() {}

  static boolean isRunc(RuntimeBinary runtime) {
    return runtime.binary().getFileName().toString().equals("runc");
  }

  /**
   * Starts the created container {@code id} whose init process is {@code pid}; false when there
   * is no exec fifo to do it with (the runtime is to start it). Fails as runc does when the init
   * process died before it could be started.
   */
  static boolean start(RuntimeBinary runtime, String id, int pid, Duration timeout) {
    if (!isRunc(runtime)) {
      return false;
    }
    Path fifo = runtime.root().resolve(id).resolve(EXEC_FIFO);
    Optional<byte[]> written;
    try {
      written = FifoDrain.readAll(fifo, () -> Monitors.isRunning(pid), timeout);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT) {
        return false;
      }
      throw RuntimeErrors.unknown("%s start: %s", runtime.name(), e.getMessage());
    }
    if (written.isEmpty() || written.get().length == 0) {
      throw RuntimeErrors.unknown("%s start: container process is already dead", runtime.name());
    }
    try {
      Files.deleteIfExists(fifo);
    } catch (IOException e) {
      // runc itself would report this; the process runs all the same
      LOG.warning(runtime.name() + " start " + id + ": cannot remove " + fifo + ": " + e.getMessage());
    }
    return true;
  }

  /**
   * Whether container {@code id} awaits its start, as {@code runc state} would tell; empty for
   * another runtime, or a container runc keeps no state of.
   */
  static Optional<Boolean> awaitsStart(RuntimeBinary runtime, String id) {
    Path dir = runtime.root().resolve(id);
    if (!isRunc(runtime) || !Files.exists(dir.resolve(STATE))) {
      return Optional.empty();
    }
    return Optional.of(Files.exists(dir.resolve(EXEC_FIFO)));
  }

  /**
   * Deletes container {@code id}, whose init process has ended, when runc's delete would do no
   * more than remove its cgroups (every hierarchy's, named ones included, from runc's state.json)
   * and its state; false when runc is to do it.
   */
  static boolean deleteStopped(RuntimeBinary runtime, String id, Path bundle) {
    if (!isRunc(runtime) || !endsWithItsInit(bundle.resolve("config.json"))) {
      return false;
    }
    Path dir = runtime.root().resolve(id);
    List<Path> cgroups = new ArrayList<>();
    try {
      JSON.readTree(dir.resolve(STATE).toFile()).path("cgroup_paths").forEach(p -> cgroups.add(Path.of(p.asText())));
    } catch (IOException e) {
      return false;
    }
    for (Path cgroup : cgroups) {
      if (!CgroupRemoval.remove(cgroup)) {
        return false;
      }
    }
    try {
      // into the bundle, which is deleted next: one rename instead of a few unlinks on the hot path
      Files.move(dir, bundle.resolve(DISCARDED_STATE), StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      LOG.warning(runtime.name() + " delete " + id + ": " + e.getMessage() + "; leaving it to " + runtime.name());
      return false;
    }
  }

  /** Whether the spec gives the container a PID namespace of its own (its processes end with the init) and no poststop hooks. */
  private static boolean endsWithItsInit(Path config) {
    JsonNode spec;
    try {
      spec = JSON.readTree(config.toFile());
    } catch (IOException e) {
      return false;
    }
    if (spec.path("hooks").path("poststop").size() > 0) {
      return false;
    }
    for (JsonNode ns : spec.path("linux").path("namespaces")) {
      if (ns.path("type").asText().equals("pid") && ns.path("path").asText("").isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
