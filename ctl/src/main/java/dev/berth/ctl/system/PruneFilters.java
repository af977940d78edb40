package dev.berth.ctl.system;

import dev.berth.api.InvalidValueException;
import dev.berth.client.system.PruneFilter;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.output.Durations;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The prune commands' {@code --filter}s, which Docker's CLI passes to its daemon unchecked, after
 * its {@code [y/N]} question: a refused one is printed after Docker's daemon's prefix, as scripts
 * matching Docker's line expect.
 */
public final class PruneFilters {
  private PruneFilters() {}

  /** Those of a container, network or system prune: label, label! and until. */
  public static PruneFilter parse(List<String> filters) {
    return parse(filters, PruneFilter.KEYS);
  }

  /** Those whose keys are {@code keys}; until's time read as Docker's daemon reads it (its GetTimestamp). */
  public static PruneFilter parse(List<String> filters, Set<String> keys) {
    Instant now = Instant.now();
    return inDaemonsWords(() -> PruneFilter.parse(filters, keys, value -> until(value, now)));
  }

  /** Those of an image prune, which takes several until values and asks for each, as Docker 27's daemon. */
  public static PruneFilter parseEveryUntil(List<String> filters, Set<String> keys) {
    Instant now = Instant.now();
    return inDaemonsWords(() -> PruneFilter.parseEveryUntil(filters, keys, value -> until(value, now)));
  }

  /** Refuses, in Docker's daemon's words, a filter whose key is not one of {@code keys}. */
  public static void refuseUnknownKeys(List<String> filters, Set<String> keys) {
    inDaemonsWords(() -> {
      PruneFilter.refuseUnknownKeys(filters, keys);
      return null;
    });
  }

  /** An {@code until} filter's time, counted from now, refused in Docker's daemon's words. */
  public static Instant until(String value) {
    return inDaemonsWords(() -> until(value, Instant.now()));
  }

  /** What {@code reading} gives; a value it refuses is printed after Docker's daemon's prefix. */
  private static <T> T inDaemonsWords(Supplier<T> reading) {
    try {
      return reading.get();
    } catch (InvalidValueException e) {
      throw new DaemonError(e.getMessage(), e);
    }
  }

  /**
   * A duration before now ({@code 24h}, {@code 1h30m}, {@code 1.5h}), a date or time ({@code
   * 2024-05-01}, RFC 3339) or Unix seconds ({@code 1700000000.5}), as Docker's daemon reads them
   * for {@code until}, refused in its words.
   */
  private static Instant until(String value, Instant now) {
    try {
      return Durations.since(value, now);
    } catch (CommandFailure e) {
      throw new InvalidValueException(value.contains("-") ? e.getMessage()
          : "failed to parse value as time or duration: \"" + value + "\"");
    }
  }
}
