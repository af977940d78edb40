package dev.berth.ctl.image;

import dev.berth.client.images.Image;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.output.InvalidFilter;
import dev.berth.ctl.output.KeyedFilters;
import dev.berth.ctl.system.PruneFilters;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Docker's filters of {@code images}: {@code reference=PATTERN} (also what a bare
 * {@code REPOSITORY[:TAG]} argument means), {@code label=KEY} or {@code label=KEY=VALUE} (on the
 * image config's labels, every one must match), {@code dangling=true|false}, {@code before=IMAGE}
 * and {@code since=IMAGE} (by the image configs' {@code created}), and {@code until=TIME} (by when
 * the image record was made, as Docker 27's containerd image store compares it), combined as
 * {@link KeyedFilters} combines them, but every {@code before}, {@code since} and {@code until}
 * must hold, as Docker 27's containerd image store asks for each (moby's setupFilters).
 */
final class ImageFilter {
  private static final List<String> KEYS = List.of("reference", "label", "dangling", "before", "since", "until");

  private ImageFilter() {}

  /**
   * {@code filters} as given to {@code --filter}, {@code references} as bare arguments;
   * {@code named} finds the image {@code before} and {@code since} name (as {@code image inspect}
   * does: a name, an image id or a unique prefix of it), which they compare by {@code created};
   * {@code labels} are an image's config's labels.
   */
  static KeyedFilters<Image> parse(List<String> filters, List<String> references, Function<String, Image> named,
      Function<Image, Instant> created, Function<Image, Map<String, String>> labels) {
    refuseConflictingDangling(filters);
    KeyedFilters<Image> parsed = new KeyedFilters<>();
    references.forEach(r -> parsed.add("reference", reference(r)));
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? f : f.substring(0, equals);
      if (equals < 0 || !KEYS.contains(key)) {
        throw InvalidFilter.key(key, KEYS);
      }
      String value = f.substring(equals + 1);
      // Docker 27's daemon asks for every before, since and until given, and one of the references
      String group = key.equals("before") || key.equals("since") || key.equals("until") ? key + "=" + value : key;
      parsed.add(group, switch (key) {
        case "label" -> KeyedFilters.label(value, labels);
        case "reference" -> reference(value);
        case "dangling" -> dangling(value);
        case "until" -> {
          Instant limit = PruneFilters.until(value);
          yield image -> image.createdAt().isBefore(limit);
        }
        case "before" -> {
          Instant limit = created.apply(named.apply(value));
          yield image -> created.apply(image).isBefore(limit);
        }
        default -> {
          Instant limit = created.apply(named.apply(value));
          yield image -> created.apply(image).isAfter(limit);
        }
      });
    }
    return parsed;
  }

  /**
   * Docker matches the pattern against the short name with its tag and without it
   * ({@code busybox} matches {@code busybox:latest}); the full name is matched too.
   */
  private static Predicate<Image> reference(String pattern) {
    Pattern glob = glob(pattern);
    return image -> {
      String familiar = ImageNames.familiar(image.name());
      return glob.matcher(familiar).matches() || glob.matcher(ImageNames.repository(familiar)).matches()
          || glob.matcher(image.name()).matches() || glob.matcher(ImageNames.repository(image.name())).matches();
    };
  }

  /**
   * Both {@code dangling=true} and {@code dangling=false} refused as Docker's daemon refuses them
   * (its GetBoolOrDefault), naming the values given: {@code invalid filter 'dangling=[true false]'}.
   */
  private static void refuseConflictingDangling(List<String> filters) {
    Set<String> values = new LinkedHashSet<>();
    for (String f : filters) {
      if (f.startsWith("dangling=")) {
        values.add(f.substring("dangling=".length()));
      }
    }
    boolean isTrue = values.contains("true") || values.contains("1");
    boolean isFalse = values.contains("false") || values.contains("0");
    if (isTrue && isFalse) {
      throw new DaemonError("invalid filter 'dangling=[" + String.join(" ", values) + "]'");
    }
  }

  /** Docker's dangling images, those without a tag: here the ones known by digest alone. */
  private static Predicate<Image> dangling(String value) {
    return switch (value) {
      case "true", "1" -> Image::dangling;
      case "false", "0" -> image -> !image.dangling();
      default -> throw InvalidFilter.value("dangling", value, "true or false");
    };
  }

  /**
   * Go's path.Match patterns, which Docker's reference filter uses: {@code *} and {@code ?}
   * stop at {@code /}, {@code [...]} is a class ({@code [^...]} negated), {@code \} escapes.
   */
  static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '*' -> regex.append("[^/]*");
        case '?' -> regex.append("[^/]");
        case '\\' -> {
          if (++i == pattern.length()) {
            throw badPattern(pattern);
          }
          regex.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
        }
        case '[' -> {
          int end = pattern.indexOf(']', i + 2);
          if (end < 0) {
            throw badPattern(pattern);
          }
          String body = pattern.substring(i + 1, end);
          boolean negated = body.startsWith("^");
          regex.append('[').append(negated ? "^" : "")
              .append(body.substring(negated ? 1 : 0).replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&"))
              .append(']');
          i = end;
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  private static DaemonError badPattern(String pattern) {
    return InvalidFilter.value("reference", pattern, "syntax error in pattern");
  }
}
