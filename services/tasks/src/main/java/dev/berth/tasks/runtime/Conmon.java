package dev.berth.tasks.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.linux.Pipe;
import dev.berth.tasks.runtime.TaskRuntime.AttachStep;
import dev.berth.tasks.runtime.TaskRuntime.Launch;
import dev.berth.tasks.runtime.TaskRuntime.Monitor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts conmon, the per-process monitor that runs the OCI runtime's create (or exec), holds the
 * process's stdio, writes the CRI log and the exit status, and outlives berthd.
 *
 * <p>conmon talks back through inherited pipes named by environment variables: the sync pipe
 * (the process's pid, or the runtime's error), the start pipe (it waits for a byte before
 * running the runtime) and the attach pipe (the attach socket is ready). The JDK can only hand a
 * child its stdio, so a shell moves those three onto descriptors 3 to 5 and then becomes conmon
 * ({@code --sync}: conmon does not fork again, so the JDK reaps it when it ends).
 *
 * <p>Files in the process's directory: {@code pid} (runtime's pid file), {@code persist/exit}
 * (exit status; its time is the exit time), {@code persist/oom}, {@code ctl} and {@code winsz}
 * (resize fifos), {@code conmon.log} (conmon's own complaints before it detaches); the attach
 * socket is reached through {@code <socketDir>/<monitorId>/attach}.
 */
public final class Conmon {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final File DEV_NULL = new File("/dev/null");

  private final Path binary;
  private final Duration timeout;

  Conmon(Path binary, Duration timeout) {
    this.binary = binary;
    this.timeout = timeout;
  }

  public static Path attachSocket(Path socketDir, String monitorId) {
    return socketDir.resolve(monitorId).resolve("attach");
  }

  public static Path persistDir(Path dir) {
    return dir.resolve("persist");
  }

  /** Runs the runtime's create for the bundle in {@code launch.dir()}; returns once the process waits for start. */
  Monitor create(Launch launch) throws IOException {
    Files.createDirectories(persistDir(launch.dir()));
    if (launch.criLog().isPresent()) {
      LogFileMode.createLog(launch.criLog().get().file());
    }
    try (Pipe sync = Pipe.open()) {
      ProcessBuilder pb = builder(launch, "exec \"$@\" 4>&1 >/dev/null 2>>conmon.log </dev/null",
          Map.of("_OCI_SYNCPIPE", "4"));
      pb.redirectInput(DEV_NULL).redirectOutput(sync.writeEndFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
      Process conmon = pb.start();
      sync.closeWriteEnd();
      int pid = pid(launch, conmon, sync.readLine(timeout));
      return new Monitor(pid, (int) conmon.pid(), Optional.empty());
    }
  }

  /**
   * Runs the runtime's exec of {@code launch.execSpec()}; {@code attach} is called once the
   * attach socket exists and before the process runs, so no output is lost.
   */
  Monitor exec(Launch launch, AttachStep attach) throws IOException {
    Files.createDirectories(persistDir(launch.dir()));
    Pipe sync = Pipe.open();
    boolean handedOver = false;
    try (Pipe start = Pipe.open(); Pipe attachReady = Pipe.open()) {
      ProcessBuilder pb = builder(launch, "exec \"$@\" 3<&0 4>&1 5>&2 </dev/null >/dev/null 2>>conmon.log",
          Map.of("_OCI_STARTPIPE", "3", "_OCI_SYNCPIPE", "4", "_OCI_ATTACHPIPE", "5"));
      pb.redirectInput(start.readEndFile()).redirectOutput(sync.writeEndFile()).redirectError(attachReady.writeEndFile());
      Process conmon = pb.start();
      sync.closeWriteEnd();
      attachReady.closeWriteEnd();
      start.write("0");
      Optional<String> ready = attachReady.readLine(timeout);
      if (ready.isEmpty()) {
        throw failure(launch, conmon, "conmon ended before its attach socket was ready");
      }
      attach.attached();
      start.write("0");
      int pid = pid(launch, conmon, sync.readLine(timeout));
      handedOver = true;
      return new Monitor(pid, (int) conmon.pid(), Optional.of(sync));
    } finally {
      if (!handedOver) {
        sync.close();
      }
    }
  }

  private ProcessBuilder builder(Launch launch, String script, Map<String, String> pipes) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "conmon", binary.toString(),
        "--api-version", "1", "--sync",
        "-c", launch.containerId(), "-u", launch.monitorId(),
        "-r", launch.runtime().binary().toString(),
        "--runtime-arg", "--root=" + launch.runtime().root(),
        "-b", launch.dir().toString(),
        "-p", launch.dir().resolve("pid").toString(),
        "--persist-dir", persistDir(launch.dir()).toString(),
        "--socket-dir-path", launch.socketDir().toString(),
        "--no-sync-log",
        "-l", launch.criLog().map(l -> "k8s-file:" + l.file()).orElse("none")));
    launch.criLog().filter(l -> l.maxBytes() > 0)
        .ifPresent(l -> command.addAll(List.of("--log-size-max", Long.toString(l.maxBytes()))));
    if (launch.terminal()) {
      command.add("-t");
    }
    if (launch.stdin() || launch.heldStdin() != TaskRuntime.HeldStdin.NONE) {
      command.add("-i");
    }
    if (launch.heldStdin() == TaskRuntime.HeldStdin.OPEN) {
      command.add("--leave-stdin-open");
    }
    launch.execSpec().ifPresent(spec -> command.addAll(List.of("--exec", "--exec-attach", "--exec-process-spec", spec.toString())));
    ProcessBuilder pb = new ProcessBuilder(command).directory(launch.dir().toFile());
    pb.environment().putAll(pipes);
    // The C locale, which glibc holds without loading a locale file: berthd's (C.UTF-8, say) had
    // every conmon map its character tables, some 200-300 KiB of each monitor's resident memory.
    // conmon relays bytes and its messages are English either way; the container's own
    // environment comes from its spec, not from conmon's.
    pb.environment().put("LC_ALL", "C");
    // conmon writes a CRI log line's time in its local zone with the offset, never as Z: in UTC,
    // whatever berthd's zone, its times are containerd's but for the suffix (+00:00 for Z)
    pb.environment().put("TZ", "UTC");
    return pb;
  }

  /** Reads conmon's {"data": pid} answer; a negative one carries the runtime's error. */
  private int pid(Launch launch, Process conmon, Optional<String> line) throws IOException {
    if (line.isEmpty()) {
      throw failure(launch, conmon, "conmon ended without reporting a pid");
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(line.get());
    } catch (IOException e) {
      throw failure(launch, conmon, "conmon answered " + line.get());
    }
    int data = answer.path("data").asInt(-1);
    if (data <= 0) {
      String message = answer.path("message").asText("").strip();
      // conmon ends right after reporting the runtime's failure: waiting for it means that a
      // failed call leaves no monitor behind
      awaitEnd(conmon);
      throw new RuntimeFailure(launch.runtime().name() + " " + (launch.execSpec().isPresent() ? "exec" : "create")
          + " failed: " + new CommandResult(1, "", message).message());
    }
    return data;
  }

  private RuntimeFailure failure(Launch launch, Process conmon, String what) {
    awaitEnd(conmon);
    String log = "";
    try {
      log = Files.readString(launch.dir().resolve("conmon.log"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      // no log to add
    }
    return new RuntimeFailure(what + (conmon.isAlive() ? "" : " (exit code " + conmon.exitValue() + ")")
        + (log.isEmpty() ? "" : ": " + log));
  }

  private void awaitEnd(Process conmon) {
    try {
      conmon.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The runtime or conmon refused; the message is the one to show the client. */
  public static final class RuntimeFailure extends IOException {
    RuntimeFailure(String message) {
      super(message);
    }
  }
}
