package dev.berth.daemon;

import dev.berth.gc.GcSettings;
import dev.berth.transfer.RegistryTransfers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code berthd} command line. Its model is built with picocli's programmatic API rather than
 * from annotations: reading the annotations (and those of picocli's standard help mixin) took
 * ~25 ms of every start, which a restarted berthd spends before any socket opens. picocli's own
 * set-up (built-in converters found by reflection, option patterns compiled) still takes ~75 ms
 * of the start, but a parser of berthd's own answered a restart with 65 containers only 20-35 ms
 * sooner (medians of 10 in turns, Dec 4): the rest of the start competes for the same two cores.
 */
public final class Main {
  private static final Path DEFAULT_ROOT = Path.of("/var/lib/berth");
  private static final Path DEFAULT_STATE = Path.of("/run/berth");

  private Main() {}

  /** The service groups, as the command line spells them. */
  enum GroupName { content, metadata, snapshots, network, tasks, volumes, gc, transfer, cri, front }

  /** What the command line asked for. */
  record Options(DaemonConfig config, List<String> groups, boolean debug) {}

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(spec());
    commandLine.setExecutionStrategy(parsed -> {
      Integer help = CommandLine.executeHelpRequest(parsed);
      if (help != null) {
        return help;
      }
      Options options = options(parsed);
      return Berthd.run(options.config(), options.groups(), options.debug());
    });
    System.exit(commandLine.execute(args));
  }

  /** Parses {@code args}; a picocli ParameterException for a malformed one. */
  static Options parse(String... args) {
    return options(new CommandLine(spec()).parseArgs(args));
  }

  static CommandSpec spec() {
    CommandSpec spec = CommandSpec.create().name("berthd").versionProvider(new Version());
    spec.usageMessage()
        .description("Runs Berth's services, each on its own Unix socket under the state directory, and every "
            + "API on STATE/berth.sock, which containerd clients such as ctr can dial.")
        .footer("", "Examples:",
            "  berthd                                   # everything, /var/lib/berth and /run/berth",
            "  berthd --root /tmp/b/root --state /tmp/b/run",
            "  berthd --service content                 # the content service alone on STATE/content.sock",
            "  berthd --service front                   # STATE/berth.sock for groups in other processes");
    spec.addOption(option("--root", Path.class, "DIR", "Directory for durable data (default: ${DEFAULT-VALUE}).")
        .defaultValue(DEFAULT_ROOT.toString()).build());
    spec.addOption(option("--state", Path.class, "DIR",
        "Directory for sockets and runtime files (default: ${DEFAULT-VALUE}).").defaultValue(DEFAULT_STATE.toString()).build());
    spec.addOption(option("--group", String.class, "GROUP",
        "Group that owns the sockets (mode 0660); default: root's group.").build());
    List<String> groupNames = Arrays.stream(GroupName.values()).map(GroupName::name).toList();
    spec.addOption(option("--service", List.class, "GROUP",
        "Serve only these service groups (${COMPLETION-CANDIDATES}); front: STATE/berth.sock, forwarding every "
            + "call to the group serving it; default: all, and the front socket.")
        .auxiliaryTypes(GroupName.class).splitRegex(",").completionCandidates(groupNames).build());
    spec.addOption(option("--network-namespace", Path.class, "PATH",
        "Keep bridges, NAT rules and published ports in this network namespace (e.g. /run/netns/NAME) "
            + "instead of berthd's own.").build());
    spec.addOption(option("--gc-ingest-expiry", Duration.class, "DURATION",
        "Garbage collection removes an ingest (unfinished write) untouched this long, e.g. 24h, 90m, 30s "
            + "(default: 24h).").converters(new DurationConverter()).build());
    spec.addOption(option("--registry-config", Path.class, "DIR",
        "A directory per registry host (HOST[:PORT]) with its CA certificates (*.crt) and hosts.toml (mirrors, "
            + "containerd's format); default: ${DEFAULT-VALUE}.")
        .defaultValue(RegistryTransfers.DEFAULT_CERTS_DIR.toString()).build());
    spec.addOption(option("--cri-streaming-address", InetSocketAddress.class, "HOST:PORT",
        "Where the CRI's streaming server (exec, attach, port-forward URLs) listens (default: 127.0.0.1 on a "
            + "free port).").converters(new AddressConverter()).build());
    spec.addOption(OptionSpec.builder("--debug").type(boolean.class).description("Log every call.").build());
    spec.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true)
        .description("Print version information and exit.").build());
    return spec;
  }

  private static OptionSpec.Builder option(String name, Class<?> type, String label, String description) {
    return OptionSpec.builder(name).type(type).paramLabel(label).description(description);
  }

  private static Options options(ParseResult parsed) {
    Path root = parsed.matchedOptionValue("--root", DEFAULT_ROOT);
    Path state = parsed.matchedOptionValue("--state", DEFAULT_STATE);
    List<GroupName> services = parsed.matchedOptionValue("--service", List.of());
    List<String> groups = services.isEmpty()
        ? ServiceGroups.NAMES
        : Stream.concat(ServiceGroups.NAMES.stream(), Stream.of(ServiceGroups.FRONT))
            .filter(n -> services.stream().anyMatch(s -> s.name().equals(n))).toList();
    DaemonConfig config = new DaemonConfig(root.toAbsolutePath(), state.toAbsolutePath(),
        parsed.matchedOptionValue("--group", null), parsed.matchedOptionValue("--network-namespace", null),
        parsed.matchedOptionValue("--gc-ingest-expiry", GcSettings.DEFAULT_INGEST_EXPIRY),
        parsed.matchedOptionValue("--registry-config", RegistryTransfers.DEFAULT_CERTS_DIR).toAbsolutePath(),
        parsed.matchedOptionValue("--cri-streaming-address", DaemonConfig.DEFAULT_CRI_STREAMING));
    return new Options(config, groups, parsed.hasMatchedOption("--debug"));
  }

  /** 24h, 90m, 30s, 500ms, or ISO-8601 (PT24H). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
      Matcher m = DURATION.matcher(value);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      try {
        return Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 24h, 90m, 30s, 500ms");
      }
    }
  }

  /** HOST:PORT, [IPv6]:PORT; port 0 picks a free one. */
  static final class AddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
    private static final Pattern ADDRESS = Pattern.compile("\\[?([^\\]]*?)\\]?:([0-9]{1,5})");

    @Override
    public InetSocketAddress convert(String value) {
      Matcher m = ADDRESS.matcher(value);
      if (!m.matches() || Integer.parseInt(m.group(2)) > 65535 || m.group(1).isEmpty()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT, e.g. 127.0.0.1:10010");
      }
      return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"berthd " + (v == null ? "development build" : v)};
    }
  }
}
