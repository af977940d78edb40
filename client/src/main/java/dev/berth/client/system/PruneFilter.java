package dev.berth.client.system;

import dev.berth.api.InvalidValueException;
import dev.berth.client.spec.LabelFilters;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's prune {@code --filter}s: {@code label=KEY[=VALUE]} and {@code label!=KEY[=VALUE]}
 * ({@link LabelFilters}), and {@code until=T} (created before T: a duration ago such as
 * {@code 24h}, an RFC 3339 time or Unix seconds).
 */
public record PruneFilter(LabelFilters labels, Optional<Instant> until) {
  private static final Pattern DURATION = Pattern.compile("([0-9]+)(s|m|h)");

  public static PruneFilter parse(List<String> filters, Instant now) {
    LabelFilters labels = LabelFilters.NONE;
    Optional<Instant> until = Optional.empty();
    for (String f : filters == null ? List.<String>of() : filters) {
      if (f.startsWith("until=")) {
        until = Optional.of(instant(f.substring("until=".length()), now));
      } else if (LabelFilters.isLabelFilter(f)) {
        labels = labels.with(f);
      } else {
        throw InvalidValueException.of("filter", f, "expected label=KEY[=VALUE], label!=KEY[=VALUE] or until=TIME");
      }
    }
    return new PruneFilter(labels, until);
  }

  /** Whether something created at {@code created} is old enough. */
  public boolean createdBefore(Instant created) {
    return until.map(created::isBefore).orElse(true);
  }

  /** Whether something with {@code labels}, created at {@code created}, is to be pruned. */
  public boolean matches(Map<String, String> labels, Instant created) {
    return this.labels.matches(labels) && createdBefore(created);
  }

  private static Instant instant(String text, Instant now) {
    Matcher m = DURATION.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return now.minus(switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    if (text.matches("[0-9]+")) {
      return Instant.ofEpochSecond(Long.parseLong(text));
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      // Docker's daemon's words, which scripts match
      throw new InvalidValueException("failed to parse value as time or duration: \"" + text + "\"");
    }
  }
}
