package dev.berth.client.spec;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory plus swap as Docker sets it: twice the memory limit when only {@code --memory} is given,
 * and no limit on a host whose memory cgroup does not count swap (cgroup v1 without its
 * {@code memsw} files, a kernel booted without swap accounting), where runc would fail to write it.
 */
public final class SwapLimit {
  /** Docker's warning when a swap limit is dropped. */
  public static final String UNSUPPORTED = "Your kernel does not support swap limit capabilities or the cgroup "
      + "is not mounted. Memory limited without swap.";
  private static final Path V1_MEMSW = Path.of("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes");
  private static final Path V2_CONTROLLERS = Path.of("/sys/fs/cgroup/cgroup.controllers");

  private SwapLimit() {}

  /**
   * Whether this host can limit a container's swap: cgroup v1's memsw files are there only with
   * swap accounting; on cgroup v2 the memory controller always has {@code memory.swap.max}.
   */
  public static boolean hostAccountsSwap() {
    return Files.exists(V2_CONTROLLERS) || Files.exists(V1_MEMSW);
  }

  /**
   * Memory plus swap for a container limited to {@code memory} bytes (null: no limit) with
   * {@code --memory-swap} {@code given} (null: not given); -1 is no limit on swap.
   */
  public static Long of(Long memory, Long given, boolean accounted) {
    Long swap = given == null && memory != null ? Long.valueOf(2 * memory) : given;
    return swap != null && swap > 0 && !accounted ? Long.valueOf(-1) : swap;
  }

  /** Whether {@link #of} drops a swap limit, which Docker warns of. */
  public static boolean dropped(Long memory, Long given, boolean accounted) {
    Long swap = of(memory, given, true);
    return swap != null && swap > 0 && !accounted;
  }
}
