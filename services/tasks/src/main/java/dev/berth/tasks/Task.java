package dev.berth.tasks;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.tasks.runtime.RuntimeBinary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A container's running instance: its bundle, runtime, cgroups, init process and exec
 * processes. Its own lock guards only the set of execs; each process guards its own state.
 */
final class Task {
  final String namespace;
  final String id;
  final Path bundle;
  final RuntimeBinary runtime;
  /** Filled while the task is created or recovered, before anyone else sees the task. */
  final Map<String, Path> cgroups;
  final TaskProcess init;
  private final Map<String, TaskProcess> execs = new LinkedHashMap<>();
  private CompletableFuture<Void> endpointRelease = CompletableFuture.completedFuture(null);

  Task(String namespace, String id, Path bundle, RuntimeBinary runtime, Map<String, Path> cgroups, TaskProcess init) {
    this.namespace = namespace;
    this.id = id;
    this.bundle = bundle;
    this.runtime = runtime;
    this.cgroups = cgroups;
    this.init = init;
  }

  static String who(String namespace, String id) {
    return "task " + id + " in namespace " + namespace;
  }

  String who() {
    return who(namespace, id);
  }

  String whoExec(String execId) {
    return who() + " exec " + execId;
  }

  /** The init process for an empty {@code execId}, else the exec; NOT_FOUND when there is none. */
  synchronized TaskProcess process(String execId) {
    if (execId.isEmpty()) {
      return init;
    }
    TaskProcess p = execs.get(execId);
    if (p == null) {
      throw Errors.notFound("exec %s not found in task %s", Identifiers.printable(execId), id);
    }
    return p;
  }

  /** ALREADY_EXISTS when the exec id is taken; FAILED_PRECONDITION unless the init process runs. */
  synchronized void addExec(TaskProcess p) {
    if (execs.containsKey(p.execId)) {
      throw Errors.alreadyExists("exec %s already exists in task %s", p.execId, id);
    }
    if (!init.isSettledIn(ProcessStatus.RUNNING)) {
      throw Errors.failedPrecondition("cannot exec in task %s: it is %s", id, init.status().name().toLowerCase());
    }
    execs.put(p.execId, p);
  }

  /** Puts back an exec found on disk by recovery. */
  synchronized void recoverExec(TaskProcess p) {
    execs.put(p.execId, p);
  }

  /** Removes the exec unless it runs (or is being started): FAILED_PRECONDITION then, NOT_FOUND when absent. */
  synchronized TaskProcess removeEnded(String execId) {
    TaskProcess p = process(execId);
    ProcessStatus status = p.status();
    if (status == ProcessStatus.RUNNING || status == ProcessStatus.PAUSED || !p.isSettledIn(status)) {
      throw Errors.failedPrecondition("exec %s of task %s is %s", execId, id, p.state(id).status().name().toLowerCase());
    }
    execs.remove(execId);
    return p;
  }

  /** The release of the network endpoint once the init process ended ({@link EndpointRelease}). */
  synchronized void releasingEndpoint(CompletableFuture<Void> release) {
    endpointRelease = release;
  }

  synchronized CompletableFuture<Void> endpointReleased() {
    return endpointRelease;
  }

  synchronized List<TaskProcess> execs() {
    return new ArrayList<>(execs.values());
  }
}
