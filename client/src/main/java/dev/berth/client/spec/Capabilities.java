package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Docker's {@code --cap-add} and {@code --cap-drop} over the default set: names with or without
 * {@code CAP_}, any case; {@code ALL} for every capability. As in Docker, an added {@code ALL}
 * starts from every capability and a dropped {@code ALL} from none; then the other drops and
 * adds apply, adds winning over drops. "Every capability" is every one this host's processes may
 * hold (the bounding set, as Docker takes its own): the runtime cannot grant more.
 */
public final class Capabilities {
  /** Every capability of Linux up to 5.9, in the kernel's order: what {@code --privileged} grants. */
  public static final List<String> ALL = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
      "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
      "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
      "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
      "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
  private static final String EVERY = "ALL";

  private Capabilities() {}

  /**
   * {@code defaults} with {@code add} and {@code drop} applied; unknown names are refused.
   *
   * @param available what {@code ALL} means (see {@link #bounding()})
   */
  public static List<String> resolve(List<String> defaults, List<String> add, List<String> drop,
      List<String> available) {
    List<String> added = normalized(add);
    List<String> dropped = normalized(drop);
    Set<String> caps = new LinkedHashSet<>(added.contains(EVERY) ? available
        : dropped.contains(EVERY) ? List.of() : defaults);
    dropped.forEach(caps::remove);
    added.stream().filter(c -> !c.equals(EVERY)).forEach(caps::add);
    return List.copyOf(caps);
  }

  /** The capabilities of this process's bounding set ({@code CapBnd} of /proc/self/status), in the kernel's order. */
  public static List<String> bounding() {
    String status;
    try {
      status = Files.readString(Path.of("/proc/self/status"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read this process's capabilities: " + e.getMessage(), e);
    }
    String hex = status.lines().filter(l -> l.startsWith("CapBnd:")).findFirst()
        .map(l -> l.substring("CapBnd:".length()).strip()).orElse("0");
    return of(Long.parseUnsignedLong(hex, 16));
  }

  /** The names of the bits set in a capability mask. */
  static List<String> of(long mask) {
    List<String> caps = new ArrayList<>();
    for (int bit = 0; bit < ALL.size(); bit++) {
      if ((mask & (1L << bit)) != 0) {
        caps.add(ALL.get(bit));
      }
    }
    return caps;
  }

  private static List<String> normalized(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      String upper = name.strip().toUpperCase(Locale.ROOT);
      String cap = upper.equals(EVERY) || upper.startsWith("CAP_") ? upper : "CAP_" + upper;
      if (!cap.equals(EVERY) && !ALL.contains(cap)) {
        throw InvalidValueException.of("capability", name, "not a Linux capability (like NET_ADMIN, or ALL)");
      }
      out.add(cap);
    }
    return out;
  }
}
