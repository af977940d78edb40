package dev.berth.client.images;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.api.grpc.Errors;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
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
  /** containerd's platform specifier grammar (its platforms.Parse). */
  private static final Pattern SPECIFIER_COMPONENT = Pattern.compile("^[A-Za-z0-9_-]+$");
  private static final Pattern OS_AND_VERSION = Pattern.compile("^([A-Za-z0-9_-]+)(?:\\(([A-Za-z0-9_.-]*)\\))?$");
  /** Go's operating systems and architectures (go/build's syslist), which containerd knows alone. */
  private static final Set<String> KNOWN_OS = Set.of("aix", "android", "darwin", "dragonfly", "freebsd", "hurd",
      "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos");
  private static final Set<String> KNOWN_ARCH = Set.of("386", "amd64", "amd64p32", "arm", "armbe", "arm64",
      "arm64be", "ppc64", "ppc64le", "loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le",
      "ppc", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm");

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

  /**
   * The platform {@code specifier} names, read as containerd's platforms.Parse reads it (what
   * Docker's CLI reads {@code --platform} with): {@code os[(osversion)][/arch[/variant]]}, or an
   * OS or architecture alone, the rest this host's; {@code arm} is arm/v7, {@code armhf} and
   * {@code armel} arm/v7 and arm/v6, {@code arm64/v8} arm64 with variant v8.
   *
   * @throws IllegalArgumentException in containerd's words, {@code "" is an invalid component of
   *     "linux//": platform specifier component must match "^[A-Za-z0-9_-]+$": invalid argument}
   */
  public static Platform parseSpecifier(String specifier) {
    if (specifier.contains("*")) {
      throw invalidSpecifier("%s: wildcards not yet supported", goQuote(specifier));
    }
    String[] parts = specifier.split("/", 4);
    Matcher osAndVersion = OS_AND_VERSION.matcher(parts[0]);
    if (!osAndVersion.matches()) {
      throw invalidSpecifier("%s is an invalid OS component of %s: OSAndVersion specifier component must match %s",
          goQuote(parts[0]), goQuote(specifier), goQuote(OS_AND_VERSION.pattern()));
    }
    for (int i = 1; i < parts.length; i++) {
      if (!SPECIFIER_COMPONENT.matcher(parts[i]).matches()) {
        throw invalidSpecifier("%s is an invalid component of %s: platform specifier component must match %s",
            goQuote(parts[i]), goQuote(specifier), goQuote(SPECIFIER_COMPONENT.pattern()));
      }
    }
    String os = normalOs(osAndVersion.group(1));
    String osVersion = osAndVersion.group(2) == null ? "" : osAndVersion.group(2);
    switch (parts.length) {
      case 1 -> {
        Platform host = current();
        if (KNOWN_OS.contains(os)) {
          return new Platform(host.architecture, os, osVersion, List.of(), host.variant);
        }
        String[] arch = normalArch(parts[0], "");
        if (KNOWN_ARCH.contains(arch[0])) {
          return of(host.os, arch[0], arch[0].equals("arm") && arch[1].equals("v7") ? "" : arch[1]);
        }
        throw invalidSpecifier("%s: unknown operating system or architecture", goQuote(specifier));
      }
      case 2 -> {
        String[] arch = normalArch(parts[1], "");
        return new Platform(arch[0], os, osVersion, List.of(),
            arch[0].equals("arm") && arch[1].equals("v7") ? "" : arch[1]);
      }
      case 3 -> {
        String[] arch = normalArch(parts[1], parts[2]);
        return new Platform(arch[0], os, osVersion, List.of(),
            arch[0].equals("arm64") && arch[1].isEmpty() ? "v8" : arch[1]);
      }
      default -> throw invalidSpecifier("%s: cannot parse platform specifier", goQuote(specifier));
    }
  }

  /**
   * This platform in containerd's canonical form (its platforms.Normalize): OS in lower case,
   * architecture by Go's name, and the variant an architecture implies where it has none or its
   * default is named: {@code arm} is arm/v7, {@code arm64/v8} is arm64, {@code amd64/v1} is amd64.
   */
  public Platform normalized() {
    String[] arch = normalArch(architecture, variant);
    return new Platform(arch[0], normalOs(os), osVersion, osFeatures, arch[1]);
  }

  /**
   * Whether {@code other} is this very platform once both are in canonical form, as containerd's
   * platforms.OnlyStrict matches: the same OS, architecture and variant, so {@code linux/arm}
   * (arm/v7) is not arm/v6, and {@code amd64} not 386.
   */
  public boolean matchesStrictly(Platform other) {
    Platform mine = normalized();
    Platform theirs = other.normalized();
    return mine.os.equals(theirs.os) && mine.architecture.equals(theirs.architecture)
        && mine.variant.equals(theirs.variant);
  }

  /** containerd's normalizeOS: lower case, macOS by Go's name, none this host's (Linux). */
  private static String normalOs(String os) {
    if (os.isEmpty()) {
      return "linux";
    }
    String lower = os.toLowerCase(Locale.ROOT);
    return lower.equals("macos") ? "darwin" : lower;
  }

  /** containerd's normalizeArch: {architecture, variant} by Go's names and containerd's defaults. */
  private static String[] normalArch(String architecture, String variant) {
    String arch = architecture.toLowerCase(Locale.ROOT);
    String v = variant.toLowerCase(Locale.ROOT);
    switch (arch) {
      case "i386" -> {
        arch = "386";
        v = "";
      }
      case "x86_64", "x86-64", "amd64" -> {
        arch = "amd64";
        v = v.equals("v1") ? "" : v;
      }
      case "aarch64", "arm64" -> {
        arch = "arm64";
        v = v.equals("8") || v.equals("v8") ? "" : v;
      }
      case "armhf" -> {
        arch = "arm";
        v = "v7";
      }
      case "armel" -> {
        arch = "arm";
        v = "v6";
      }
      case "arm" -> v = switch (v) {
        case "", "7" -> "v7";
        case "5", "6", "8" -> "v" + v;
        default -> v;
      };
      default -> { }
    }
    return new String[] {arch, v};
  }

  private static IllegalArgumentException invalidSpecifier(String format, Object... args) {
    return new IllegalArgumentException(String.format(format, args) + ": invalid argument");
  }

  /** {@code s} as Go's %q writes it (the printable ASCII the specifiers hold as it is). */
  private static String goQuote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
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
