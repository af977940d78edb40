package dev.berth.transfer;

import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Platform;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/** Platforms as people write them: {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
final class Platforms {
  private static final Pattern PART = Pattern.compile("[a-z0-9_]+");

  private Platforms() {}

  /** The platform {@code spec} names; empty: the one berthd runs on. INVALID_ARGUMENT otherwise. */
  static Platform parse(String spec) {
    if (spec.isEmpty()) {
      return Platform.current();
    }
    String[] parts = spec.toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || !Arrays.stream(parts).allMatch(p -> PART.matcher(p).matches())) {
      throw Errors.invalidArgument("invalid platform \"%s\": expected os/arch[/variant], e.g. linux/amd64", spec);
    }
    String arch = switch (parts[1]) {
      case "x86_64", "x86-64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> parts[1];
    };
    return Platform.of(parts[0], arch, parts.length == 3 ? parts[2] : "");
  }
}
