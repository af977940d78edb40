package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.util.List;
import java.util.Set;

/**
 * Docker's {@code --sysctl KEY=VALUE}, limited as Docker's CLI limits it to the sysctls a
 * container's own namespaces hold (IPC's {@code kernel.msg*}, {@code kernel.sem},
 * {@code kernel.shm*}, {@code fs.mqueue.*}, and the network's {@code net.*}): the others are the
 * host's, which runc refuses to set, so a container given one could never start.
 */
public final class NamespacedSysctls {
  private static final Set<String> KEYS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
      "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");
  private static final List<String> PREFIXES = List.of("net.", "fs.mqueue.");

  private NamespacedSysctls() {}

  /** {@code text} as its key and value; refused, before anything is made, in Docker's CLI's words. */
  public static KeyValue parse(String text) {
    int equals = text.indexOf('=');
    String key = equals < 0 ? "" : text.substring(0, equals);
    if (!KEYS.contains(key) && PREFIXES.stream().noneMatch(key::startsWith)) {
      throw new InvalidValueException("invalid argument \"" + text + "\" for \"--sysctl\" flag: sysctl '" + text
          + "' is not allowed");
    }
    return new KeyValue(key, text.substring(equals + 1));
  }
}
