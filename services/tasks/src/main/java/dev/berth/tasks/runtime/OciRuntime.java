package dev.berth.tasks.runtime;

import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The OCI runtime's commands that act on an existing container (runc and crun share them):
 * start, kill, pause, resume, update, state and delete. Failures carry the runtime's message.
 */
final class OciRuntime {
  private static final Logger LOG = Logger.getLogger(OciRuntime.class.getName());

  private final RuntimeBinary runtime;
  private final Duration timeout;

  OciRuntime(RuntimeBinary runtime, Duration timeout) {
    this.runtime = runtime;
    this.timeout = timeout;
  }

  public void start(String id) {
    check("start", run(null, "start", id));
  }

  /** Signals the init process, or with {@code all} every process; NOT_FOUND when none runs any more. */
  public void kill(String id, int signal, boolean all) {
    CommandResult r = all ? run(null, "kill", "--all", id, Integer.toString(signal)) : run(null, "kill", id, Integer.toString(signal));
    if (!r.ok()) {
      String message = r.message();
      if (gone(message)) {
        throw Errors.notFound("process already finished: %s", message);
      }
      throw RuntimeErrors.unknown("%s kill %s: %s", runtime.name(), id, message);
    }
  }

  public void pause(String id) {
    check("pause", run(null, "pause", id));
  }

  public void resume(String id) {
    check("resume", run(null, "resume", id));
  }

  /** Applies {@code resources} (the spec's linux.resources as JSON) to the running container. */
  public void update(String id, byte[] resources) {
    check("update", run(resources, "update", "--resources", "-", id));
  }

  /** The runtime's status word for the container (created, running, paused, stopped), or "" when it knows none. */
  public String state(String id) {
    CommandResult r = run(null, "state", id);
    if (!r.ok()) {
      return "";
    }
    int at = r.stdout().indexOf("\"status\"");
    if (at < 0) {
      return "";
    }
    int open = r.stdout().indexOf('"', r.stdout().indexOf(':', at) + 1);
    int close = r.stdout().indexOf('"', open + 1);
    return open < 0 || close < 0 ? "" : r.stdout().substring(open + 1, close).toLowerCase(Locale.ROOT);
  }

  /** Deletes the runtime's record of the container (killing it first with {@code force}); a missing one is fine. */
  public void delete(String id, boolean force) {
    CommandResult r = force ? run(null, "delete", "--force", id) : run(null, "delete", id);
    if (!r.ok() && !r.message().contains("does not exist")) {
      LOG.warning(runtime.name() + " delete " + id + ": " + r.message());
    }
  }

  private CommandResult run(byte[] stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(runtime.binary().toString(), "--root", runtime.root().toString()));
    command.addAll(List.of(args));
    try {
      return Commands.run(command, stdin, timeout);
    } catch (IOException e) {
      throw RuntimeErrors.unknown("%s %s: %s", runtime.name(), args[0], e.getMessage());
    }
  }

  private void check(String what, CommandResult r) {
    if (!r.ok()) {
      String message = r.message();
      if (message.contains("not running") || message.contains("not paused") || message.contains("cannot start")) {
        throw Errors.failedPrecondition("%s %s: %s", runtime.name(), what, message);
      }
      throw RuntimeErrors.unknown("%s %s: %s", runtime.name(), what, message);
    }
  }

  private static boolean gone(String message) {
    return message.contains("not running") || message.contains("process already finished")
        || message.contains("no such process") || message.contains("does not exist");
  }
}
