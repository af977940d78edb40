package dev.berth.client.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Docker's health check of a container: the test, how often it runs, how long it may take, the
 * grace period after a start, how many failures in a row make the container unhealthy, and how
 * often it runs in the grace period while the container is still starting. Zero durations and
 * retries mean docker's defaults. Kept in docker's JSON form, as the image config
 * ({@code config.Healthcheck}) and a container's {@code Config.Healthcheck} hold it.
 */
public record Healthcheck(List<String> test, Duration interval, Duration timeout, Duration startPeriod, long retries,
    Duration startInterval) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_START_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_RETRIES = 3;
  private static final Duration MIN_DURATION = Duration.ofMillis(1);

  public Healthcheck {
    test = List.copyOf(test);
  }

  /** No test, or docker's {@code ["NONE"]}: nothing runs. */
  public boolean disabled() {
    return test.isEmpty() || test.get(0).equals("NONE");
  }

  /** The probe's command: {@code CMD} runs its arguments, {@code CMD-SHELL} its string through /bin/sh -c. */
  public List<String> command() {
    if (test.size() < 2) {
      throw new ClientException("health check " + test + " has no command");
    }
    return switch (test.get(0)) {
      case "CMD" -> test.subList(1, test.size());
      case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
      default -> throw new ClientException("health check " + test + " is neither CMD nor CMD-SHELL");
    };
  }

  public Duration effectiveInterval() {
    return interval.isZero() ? DEFAULT_INTERVAL : interval;
  }

  /**
   * The wait before the next probe, as docker's monitor chooses it: the start interval while the
   * container is {@code starting} within its start period, the interval otherwise.
   */
  public Duration nextInterval(Instant started, Instant now, String status) {
    boolean inStartPeriod = now.isBefore(started.plus(startPeriod));
    return inStartPeriod && status.equals(HealthState.STARTING)
        ? (startInterval.isZero() ? DEFAULT_START_INTERVAL : startInterval) : effectiveInterval();
  }

  public Duration effectiveTimeout() {
    return timeout.isZero() ? DEFAULT_TIMEOUT : timeout;
  }

  public long effectiveRetries() {
    return retries == 0 ? DEFAULT_RETRIES : retries;
  }

  /** What a probe that ran out of time reports, as docker words it: {@code Health check exceeded timeout (30s)}. */
  public String timeoutOutput() {
    return "Health check exceeded timeout (" + GoDuration.text(effectiveTimeout()) + ")";
  }

  /** From docker's JSON form; empty when {@code node} holds none. */
  public static Optional<Healthcheck> fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    List<String> test = new ArrayList<>();
    node.path("Test").forEach(t -> test.add(t.asText()));
    return Optional.of(new Healthcheck(test, Duration.ofNanos(node.path("Interval").asLong(0)),
        Duration.ofNanos(node.path("Timeout").asLong(0)), Duration.ofNanos(node.path("StartPeriod").asLong(0)),
        node.path("Retries").asLong(0), Duration.ofNanos(node.path("StartInterval").asLong(0))));
  }

  /**
   * Writes docker's JSON form into {@code into}: as Docker's struct, every field is {@code
   * omitempty}, so an empty test and zero durations and retries (the defaults) are left out.
   */
  public ObjectNode writeTo(ObjectNode into) {
    if (!test.isEmpty()) {
      ArrayNode t = into.putArray("Test");
      test.forEach(t::add);
    }
    putNonZero(into, "Interval", interval.toNanos());
    putNonZero(into, "Timeout", timeout.toNanos());
    putNonZero(into, "StartPeriod", startPeriod.toNanos());
    putNonZero(into, "StartInterval", startInterval.toNanos());
    putNonZero(into, "Retries", retries);
    return into;
  }

  private static void putNonZero(ObjectNode into, String field, long value) {
    if (value != 0) {
      into.put(field, value);
    }
  }

  /**
   * {@code check} with what it leaves to the image (an empty test, zero durations and retries)
   * taken from {@code image}'s, as Docker's daemon merges a container's check with its image's,
   * {@code ["NONE"]} of {@code --no-healthcheck} included.
   */
  private static Healthcheck mergedWith(Healthcheck check, Optional<Healthcheck> image) {
    if (image.isEmpty()) {
      return check;
    }
    Healthcheck base = image.get();
    return new Healthcheck(check.test.isEmpty() ? base.test : check.test,
        check.interval.isZero() ? base.interval : check.interval,
        check.timeout.isZero() ? base.timeout : check.timeout,
        check.startPeriod.isZero() ? base.startPeriod : check.startPeriod,
        check.retries == 0 ? base.retries : check.retries,
        check.startInterval.isZero() ? base.startInterval : check.startInterval);
  }

  /**
   * The {@code --health-*} and {@code --no-healthcheck} flags; null fields were not given, and
   * durations come as berthctl's flag parser hands them on (nanoseconds, {@code 1500000000ns}, a
   * negative one as typed).
   */
  public record Flags(String cmd, String interval, String timeout, String startPeriod, Long retries,
      String startInterval, boolean none) {
    /**
     * Whether any flag asks for something, as Docker's CLI decides it: a value of zero ({@code
     * --health-interval 0}, {@code --health-cmd ""}) is no setting at all.
     */
    boolean any() {
      return cmd != null && !cmd.isEmpty() || nonZero(interval) || nonZero(timeout) || nonZero(startPeriod)
          || retries != null && retries != 0 || nonZero(startInterval);
    }

    private static boolean nonZero(String duration) {
      return duration != null
          && !GoDuration.parse("duration", duration.startsWith("-") ? duration.substring(1) : duration).isZero();
    }
  }

  /**
   * The container's check, as Docker's CLI and daemon make it: the flags' non-zero values over the
   * image's check, field by field; {@code --no-healthcheck} makes the test {@code ["NONE"]}, which
   * the daemon's merge still gives the image's durations and retries. Empty when neither gives one.
   */
  public static Optional<Healthcheck> of(Optional<Healthcheck> image, Flags flags) {
    if (flags.none()) {
      if (flags.any()) {
        throw new ClientException("--no-healthcheck conflicts with --health-* options");
      }
      return Optional.of(mergedWith(new Healthcheck(List.of("NONE"), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0,
          Duration.ZERO), image));
    }
    if (!flags.any()) {
      return image;
    }
    // Docker's CLI refuses negative values first, in this order; its daemon then the short ones
    refuseNegative("--health-interval", flags.interval());
    refuseNegative("--health-timeout", flags.timeout());
    if (flags.retries() != null && flags.retries() < 0) {
      throw new InvalidValueException("--health-retries cannot be negative");
    }
    refuseNegative("--health-start-period", flags.startPeriod());
    refuseNegative("--health-start-interval", flags.startInterval());
    return Optional.of(mergedWith(new Healthcheck(
        flags.cmd() != null && !flags.cmd().isEmpty() ? List.of("CMD-SHELL", flags.cmd()) : List.of(),
        duration("Interval", flags.interval()), duration("Timeout", flags.timeout()),
        duration("StartPeriod", flags.startPeriod()), flags.retries() != null ? flags.retries() : 0,
        duration("StartInterval", flags.startInterval())), image));
  }

  /**
   * Docker's CLI's refusal of a negative duration (berthctl's flag parser hands a negative one on as
   * typed, {@code -1s}; {@code -0s} is zero, which Docker takes).
   */
  private static void refuseNegative(String flag, String text) {
    if (text != null && text.startsWith("-") && !GoDuration.parse(flag, text.substring(1)).isZero()) {
      throw new InvalidValueException(flag + " cannot be negative");
    }
  }

  /**
   * As Docker's daemon checks them: zero (the default) or at least a millisecond, refused in its
   * words, which name the field ({@code Interval}) and not the value.
   */
  private static Duration duration(String field, String text) {
    if (text == null) {
      return Duration.ZERO;
    }
    Duration d = text.startsWith("-") ? Duration.ZERO : GoDuration.parse(field, text);
    if (!d.isZero() && d.compareTo(MIN_DURATION) < 0) {
      throw new InvalidParameterException(field + " in Healthcheck cannot be less than 1ms");
    }
    return d;
  }
}
