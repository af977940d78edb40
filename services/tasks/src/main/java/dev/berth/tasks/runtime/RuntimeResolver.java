package dev.berth.tasks.runtime;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import containerd.runc.v1.Options;
import dev.berth.api.grpc.Errors;
import dev.berth.tasks.cgroups.CgroupLayout;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Picks the OCI runtime binary for a container: by its runtime name, or by the runc options'
 * binary name (ctr --runc-binary). crun is refused where the host's cgroup layout stops it.
 */
final class RuntimeResolver {
  private static final Pattern RUNTIME_NAME = Pattern.compile("^[a-z0-9_-]+(\\.[a-z0-9_-]+){2,}$");
  private static final String RUNC_OPTIONS = "containerd.runc.v1.Options";

  private final RuntimeConfig config;
  private final CgroupLayout cgroups;

  RuntimeResolver(RuntimeConfig config, CgroupLayout cgroups) {
    this.config = config;
    this.cgroups = cgroups;
  }

  /**
   * The runtime binary for runtime {@code name} with {@code options} (either may carry runc
   * options); NOT_FOUND for an unknown runtime, INVALID_ARGUMENT for a malformed name.
   */
  Path binaryFor(String name, Optional<Any> options) {
    Path binary = config.runtimes().get(name);
    if (binary == null) {
      if (!RUNTIME_NAME.matcher(name).matches()) {
        throw Errors.invalidArgument("invalid runtime name %s: use a name like io.containerd.runc.v2", name);
      }
      throw Errors.notFound("runtime %s is not configured (known: %s)", name, String.join(", ", config.runtimes().keySet()));
    }
    Optional<String> binaryName = options.flatMap(RuntimeResolver::binaryName);
    if (binaryName.isPresent()) {
      binary = ExecutableSearch.find(binaryName.get())
          .orElseThrow(() -> Errors.notFound("runtime binary %s not found", binaryName.get()));
    }
    if (binary.getFileName().toString().startsWith("crun") && !cgroups.allowsCrun()) {
      throw Errors.failedPrecondition(
          "runtime %s (%s) cannot run here: crun refuses this host's hybrid cgroup layout with controllers on cgroup2; use runc",
          name, binary);
    }
    return binary;
  }

  private static Optional<String> binaryName(Any options) {
    if (!options.getTypeUrl().endsWith(RUNC_OPTIONS)) {
      return Optional.empty();
    }
    try {
      String name = Options.parseFrom(options.getValue()).getBinaryName();
      return name.isEmpty() ? Optional.empty() : Optional.of(name);
    } catch (InvalidProtocolBufferException e) {
      throw Errors.invalidArgument("runtime options are not valid %s: %s", RUNC_OPTIONS, e.getMessage());
    }
  }
}
