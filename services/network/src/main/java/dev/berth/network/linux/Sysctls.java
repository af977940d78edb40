package dev.berth.network.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Network sysctls under /proc/sys. net.* ones belong to the network namespace of the thread that
 * opens the file, so call these on a thread in the namespace meant.
 */
public final class Sysctls {
  private Sysctls() {}

  /** Sets {@code key} (e.g. net/ipv4/ip_forward) to {@code value}, writing only when it differs. */
  public static void set(String key, String value) throws IOException {
    Path file = Path.of("/proc/sys").resolve(key);
    if (!Files.readString(file).strip().equals(value)) {
      Files.writeString(file, value);
    }
  }

  /**
   * As {@link #set}, but does nothing when the key does not exist: IPv6 keys are absent when the
   * kernel was booted with ipv6.disable=1, and then there is nothing to protect either.
   */
  public static void setIfPresent(String key, String value) throws IOException {
    if (Files.exists(Path.of("/proc/sys").resolve(key))) {
      set(key, value);
    }
  }
}
