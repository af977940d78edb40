package dev.berth.ctl.container;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.berth.client.spec.SpecBuilder;
import dev.berth.client.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Warms Jackson's binding of the OCI spec on a thread of its own while the command's first calls
 * wait for berthd: run and exec write or read a spec as JSON soon after, and the mapper's first
 * use (its construction and the spec classes' introspection, ~80-120 ms cold) then overlaps the
 * round trips instead of following them. The second core is otherwise idle meanwhile.
 */
final class SpecWarmUp {
  /** A container's spec as exec meets it: a process with each of its parts, and more beside it. */
  private static final Any EXEC_SPEC = Any.newBuilder().setTypeUrl(SpecJson.TYPE_URL).setValue(ByteString.copyFrom("""
      {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"terminal": false,
       "user": {"uid": 0, "gid": 0, "additionalGids": [10]}, "args": ["true"], "env": ["PATH=/bin"], "cwd": "/",
       "capabilities": {"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"]},
       "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}], "noNewPrivileges": true,
       "oomScoreAdj": 0}, "linux": {"namespaces": [{"type": "pid"}]}}
      """, StandardCharsets.UTF_8)).build();

  private SpecWarmUp() {}

  /** For run and create, which write a whole spec: a small one written and read back. */
  static void start() {
    begin(() -> SpecJson.fromBytes(SpecJson.toBytes(SpecBuilder.create("warm-up", "warm-up").args(List.of("true"))
        .build())));
  }

  /** For exec, which reads a container's process out of its spec and writes the process it starts. */
  static void startForExec() {
    begin(() -> SpecJson.processJson(SpecJson.processOf(EXEC_SPEC)));
  }

  private static void begin(Runnable warmUp) {
    Thread thread = new Thread(() -> {
      try {
        warmUp.run();
      } catch (RuntimeException e) {
        // a warm-up only: the command's own use reports what is wrong
      }
    }, "berthctl-spec-warm-up");
    thread.setDaemon(true);
    thread.start();
  }
}
