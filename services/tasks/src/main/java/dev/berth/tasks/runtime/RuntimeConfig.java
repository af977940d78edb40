package dev.berth.tasks.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which programs run containers: the monitor (conmon) and the OCI runtime binary behind each
 * runtime name a container record may carry. runc serves containerd's runc runtime names by
 * default; others (crun, say) are added with {@link #withRuntime}.
 */
public record RuntimeConfig(Path conmon, Map<String, Path> runtimes, Duration timeout) {
  public static final String RUNC_V2 = "io.containerd.runc.v2";

  public RuntimeConfig {
    runtimes = Map.copyOf(runtimes);
  }

  /** conmon and runc from the PATH (Debian: /usr/bin/conmon, /usr/sbin/runc), 60 s for runtime calls. */
  public static RuntimeConfig defaults() {
    Path runc = ExecutableSearch.find("runc").orElse(Path.of("/usr/sbin/runc"));
    Map<String, Path> runtimes = new LinkedHashMap<>();
    runtimes.put(RUNC_V2, runc);
    runtimes.put("io.containerd.runc.v1", runc);
    runtimes.put("io.containerd.runtime.v1.linux", runc);
    return new RuntimeConfig(ExecutableSearch.find("conmon").orElse(Path.of("/usr/bin/conmon")), runtimes,
        Duration.ofSeconds(60));
  }

  /** This configuration with runtime {@code name} run by {@code binary}. */
  public RuntimeConfig withRuntime(String name, Path binary) {
    Map<String, Path> more = new LinkedHashMap<>(runtimes);
    more.put(name, binary);
    return new RuntimeConfig(conmon, more, timeout);
  }
}
