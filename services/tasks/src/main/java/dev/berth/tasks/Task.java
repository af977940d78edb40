package dev.berth.tasks;

import dev.berth.tasks.runtime.OciRuntime;
import dev.berth.tasks.runtime.RuntimeBinary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A container's running instance: its bundle, runtime, cgroups, init process and exec processes. */
final class Task {
  final String namespace;
  final String id;
  final Path bundle;
  final RuntimeBinary runtime;
  final OciRuntime oci;
  final Map<String, Path> cgroups;
  final TaskProcess init;
  final Map<String, TaskProcess> execs = new LinkedHashMap<>();

  Task(String namespace, String id, Path bundle, RuntimeBinary runtime, OciRuntime oci, Map<String, Path> cgroups, TaskProcess init) {
    this.namespace = namespace;
    this.id = id;
    this.bundle = bundle;
    this.runtime = runtime;
    this.oci = oci;
    this.cgroups = cgroups;
    this.init = init;
  }

  Path rootfs() {
    return bundle.resolve("rootfs");
  }

  String who() {
    return "task " + id + " in namespace " + namespace;
  }
}
