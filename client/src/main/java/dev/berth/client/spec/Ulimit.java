package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.util.Locale;
import java.util.Set;

/**
 * Docker's {@code --ulimit NAME=SOFT[:HARD]}: a resource limit of the container's processes; -1 is
 * unlimited (RLIM_INFINITY, which as an unsigned number is above every other limit).
 */
public record Ulimit(String type, long soft, long hard) {
  private static final String VALUE = "-1|\\d{1,18}";
  private static final Set<String> NAMES = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock",
      "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

  /** {@code nofile=1024:2048}, {@code core=-1}; the hard limit is the soft one when not given. */
  public static Ulimit parse(String text) {
    int equals = text.indexOf('=');
    String name = equals < 0 ? "" : text.substring(0, equals).toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw InvalidValueException.of("ulimit", text, "expected NAME=SOFT[:HARD] with NAME one of "
          + String.join(", ", NAMES.stream().sorted().toList()));
    }
    String[] values = text.substring(equals + 1).split(":", -1);
    if (values.length > 2 || !values[0].matches(VALUE) || values.length == 2 && !values[1].matches(VALUE)) {
      throw InvalidValueException.of("ulimit", text,
          "the limits are whole numbers or -1 (unlimited): SOFT or SOFT:HARD");
    }
    long soft = Long.parseLong(values[0]);
    long hard = values.length == 2 ? Long.parseLong(values[1]) : soft;
    if (Long.compareUnsigned(soft, hard) > 0) {
      throw InvalidValueException.of("ulimit", text, "the soft limit is above the hard one");
    }
    return new Ulimit("RLIMIT_" + name.toUpperCase(Locale.ROOT), soft, hard);
  }
}
