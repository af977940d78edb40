package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import dev.berth.client.spec.ResourceFlags;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * docker's {@code --log-driver} and {@code --log-opt} as Berth can honour them. Every container's
 * output goes to one CRI-format log its monitor (conmon) writes, which {@code logs} reads: the
 * file drivers (json-file, local, k8s-file) all mean that log, {@code none} means no log.
 * {@code max-size} makes the monitor start the log again once it is that large, dropping the
 * older lines, which is docker's {@code max-file=1}; with a larger {@code max-file} berthd
 * rotates the log instead, keeping that many files, the older ones gzipped with {@code compress}.
 * {@code local} keeps Docker's defaults for it: 5 files of 20 MiB, compressed. json-file's {@code labels}, {@code env} and their {@code -regex} forms name
 * the attributes {@code logs --details} shows.
 */
public record LogConfig(String driver, Map<String, String> options) {
  private static final Set<String> FILE_DRIVERS = Set.of("json-file", "local", "k8s-file");
  /** Drivers Docker's daemon has and Berth has not: refused saying what Berth has instead. */
  private static final Set<String> DOCKERS_OTHER_DRIVERS = Set.of("syslog", "journald", "gelf", "fluentd", "awslogs",
      "splunk", "etwlogs", "gcplogs", "logentries");
  private static final Set<String> OPTIONS = Set.of("max-size", "max-file", "compress");
  /** What only json-file takes, as docker's: the attributes of each line (see {@link LogAttributes}). */
  private static final Set<String> ATTRIBUTE_OPTIONS = Set.of("labels", "labels-regex", "env", "env-regex");
  /** What Docker's {@code local} driver keeps without {@code --log-opt}: five files of 20 MiB. */
  private static final long LOCAL_MAX_SIZE = 20L << 20;
  private static final int LOCAL_MAX_FILE = 5;
  /** How Docker's daemon begins a logger's refusal. */
  private static final String LOGGER_FAILED = "failed to initialize logging driver: ";

  /** Checks the flags; {@code driver} null means json-file, docker's default. */
  public static LogConfig of(String driver, List<String> opts) {
    String d = driver == null ? "json-file" : driver;
    if (!FILE_DRIVERS.contains(d) && !d.equals(ContainerLabels.LOG_DRIVER_NONE) && !DOCKERS_OTHER_DRIVERS.contains(d)) {
      throw new InvalidParameterException("logger: no log driver named '" + d + "' is registered");
    }
    if (!FILE_DRIVERS.contains(d) && !d.equals(ContainerLabels.LOG_DRIVER_NONE)) {
      throw new ClientException("logging driver \"" + d + "\" is not supported: Berth keeps a log file"
          + " (json-file, local, k8s-file) or none");
    }
    Map<String, String> options = new TreeMap<>();
    for (String opt : opts) {
      int eq = opt.indexOf('=');
      String key = eq < 0 ? opt : opt.substring(0, eq);
      boolean known = OPTIONS.contains(key) || d.equals("json-file") && ATTRIBUTE_OPTIONS.contains(key);
      if (eq < 0 || !known || d.equals(ContainerLabels.LOG_DRIVER_NONE)) {
        throw new ClientException("unknown log opt '" + key + "' for " + d + " log driver");
      }
      options.put(key, opt.substring(eq + 1));
    }
    for (String regex : List.of("labels-regex", "env-regex")) {
      if (options.containsKey(regex)) {
        try {
          Pattern.compile(options.get(regex));
        } catch (PatternSyntaxException e) {
          throw InvalidValueException.of("log opt " + regex, options.get(regex), e.getDescription());
        }
      }
    }
    LogConfig config = new LogConfig(d, options);
    config.maxSize();
    config.maxFile();
    config.compress();
    return config;
  }

  /**
   * Whether the older files are gzipped, as docker's {@code compress}: a Go boolean, false by
   * default but for {@code local}. Refused in Docker's daemon's words where its logger refuses
   * it at the start (Berth refuses at create): not a boolean, or true where nothing is rotated.
   */
  private boolean compress() {
    String text = options.get("compress");
    boolean local = driver.equals("local");
    Boolean compress = text == null ? Boolean.valueOf(local) : goBool(text);
    if (compress == null) {
      throw new InvalidParameterException(LOGGER_FAILED + (local ? "error reading compress log option: " : "")
          + "strconv.ParseBool: parsing \"" + text + "\": invalid syntax");
    }
    if (!compress) {
      return false;
    }
    if (local) {
      if (maxFile() <= 1) {
        throw new InvalidParameterException(LOGGER_FAILED + "compression cannot be enabled when max file count is 1");
      }
    } else if (maxFile() == 1 || maxSize().isEmpty()) {
      throw new InvalidParameterException(LOGGER_FAILED
          + "compress cannot be true when max-file is less than 2 or max-size is not set");
    }
    return true;
  }

  /** Go's strconv.ParseBool; null for what it refuses. */
  private static Boolean goBool(String text) {
    return switch (text) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> null;
    };
  }

  /** The size past which the log starts again; local's default, as Docker's, when not given. */
  public Optional<Long> maxSize() {
    String text = options.get("max-size");
    if (text == null && driver.equals("local")) {
      return Optional.of(LOCAL_MAX_SIZE);
    }
    if (text == null || text.equals("-1")) {
      return Optional.empty();
    }
    long bytes = ResourceFlags.bytes("log opt max-size", text);
    if (bytes <= 0) {
      throw InvalidValueException.of("log opt max-size", text, "must be a positive size like 10m");
    }
    return Optional.of(bytes);
  }

  private int maxFile() {
    String text = options.get("max-file");
    if (text == null) {
      return driver.equals("local") ? LOCAL_MAX_FILE : 1;
    }
    try {
      int files = Integer.parseInt(text);
      if (files < 1) {
        throw InvalidValueException.of("log opt max-file", text, "must be at least 1");
      }
      return files;
    } catch (NumberFormatException e) {
      throw InvalidValueException.of("log opt max-file", text, "a number of files");
    }
  }

  /** The labels berthd's tasks service reads. */
  public void label(Map<String, String> labels) {
    if (driver.equals(ContainerLabels.LOG_DRIVER_NONE)) {
      labels.put(ContainerLabels.LOG_DRIVER, ContainerLabels.LOG_DRIVER_NONE);
    }
    maxSize().ifPresent(max -> labels.put(ContainerLabels.LOG_MAX_SIZE, Long.toString(max)));
    // without max-size nothing is rotated, as docker's json-file takes max-file then
    if (maxSize().isPresent() && maxFile() > 1) {
      labels.put(ContainerLabels.LOG_MAX_FILE, Integer.toString(maxFile()));
      if (compress()) {
        labels.put(ContainerLabels.LOG_COMPRESS, "true");
      }
    }
  }

  /** docker's {@code HostConfig.LogConfig}: the options given, not local's defaults, as Docker's. */
  public void describe(ObjectNode hostConfig) {
    ObjectNode log = hostConfig.putObject("LogConfig");
    log.put("Type", driver);
    ObjectNode config = log.putObject("Config");
    options.forEach(config::put);
  }
}
