package dev.berth.client.images;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.api.grpc.Errors;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The platform an image is built for, as OCI descriptors and configs name it. */
@JsonPropertyOrder({"architecture", "os", "os.version", "os.features", "variant"})
public record Platform(
    @JsonProperty("architecture") String architecture,
    @JsonProperty("os") String os,
    @JsonProperty("os.version") @JsonInclude(JsonInclude.Include.NON_EMPTY) String osVersion,
    @JsonProperty("os.features") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> osFeatures,
    @JsonProperty("variant") @JsonInclude(JsonInclude.Include.NON_EMPTY) String variant) {

  private static final Pattern PART = Pattern.compile("[a-z0-9_]+");

  public Platform {
    architecture = architecture == null ? "" : architecture;
    os = os == null ? "" : os;
    osVersion = osVersion == null ? "" : osVersion;
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    variant = variant == null ? "" : variant;
  }

  public static Platform of(String os, String architecture, String variant) {
    return new Platform(architecture, os, "", List.of(), variant);
  }

  /**
   * The platform {@code spec} names as people write it, {@code os/arch[/variant]} (e.g.
   * {@code linux/arm64/v8}; {@code x86_64} and {@code aarch64} are taken for Go's names); empty:
   * the one this JVM runs on. INVALID_ARGUMENT otherwise.
   */
  public static Platform parse(String spec) {
    if (spec.isEmpty()) {
      return current();
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
    return of(parts[0], arch, parts.length == 3 ? parts[2] : "");
  }

  /** The platform this JVM runs on, in Go's names (Linux only, like Berth). */
  public static Platform current() {
    String arch = switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      case "arm" -> "arm";
      case "ppc64le" -> "ppc64le";
      case "s390x" -> "s390x";
      case "riscv64" -> "riscv64";
      default -> System.getProperty("os.arch");
    };
    return of("linux", arch, "");
  }

  /**
   * Whether an image for {@code other} runs here: same OS and architecture, and the same variant
   * where both name one (arm64's only variant, v8, is the same as none).
   */
  public boolean matches(Platform other) {
    if (!os.equals(other.os) || !architecture.equals(other.architecture)) {
      return false;
    }
    String mine = normalVariant(variant);
    String theirs = normalVariant(other.variant);
    return mine.isEmpty() || theirs.isEmpty() || mine.equals(theirs);
  }

  private String normalVariant(String v) {
    return architecture.equals("arm64") && v.equals("v8") ? "" : v;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }
}
