package dev.berth.daemon;

import dev.berth.gc.GcSettings;
import dev.berth.transfer.RegistryTransfers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code berthd} command line. */
@Command(name = "berthd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {
        "Runs Berth's services, each on its own Unix socket under the state directory, and every",
        "API on STATE/berth.sock, which containerd clients such as ctr can dial."},
    footer = {"", "Examples:",
        "  berthd                                   # everything, /var/lib/berth and /run/berth",
        "  berthd --root /tmp/b/root --state /tmp/b/run",
        "  berthd --service content                 # the content service alone on STATE/content.sock"})
public final class Main implements Callable<Integer> {
  @Option(names = "--root", description = "Directory for durable data (default: ${DEFAULT-VALUE}).")
  Path root = Path.of("/var/lib/berth");

  @Option(names = "--state", description = "Directory for sockets and runtime files (default: ${DEFAULT-VALUE}).")
  Path state = Path.of("/run/berth");

  @Option(names = "--group", description = "Group that owns the sockets (mode 0660); default: root's group.")
  String group;

  @Option(names = "--service", split = ",",
      description = "Serve only these service groups (${COMPLETION-CANDIDATES}); default: all, plus the front socket.")
  List<GroupName> services;

  @Option(names = "--network-namespace", paramLabel = "PATH",
      description = "Keep bridges, NAT rules and published ports in this network namespace (e.g. /run/netns/NAME) instead of berthd's own.")
  Path networkNamespace;

  @Option(names = "--gc-ingest-expiry", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Garbage collection removes an ingest (unfinished write) untouched this long, e.g. 24h, 90m, 30s (default: 24h).")
  Duration ingestExpiry = GcSettings.DEFAULT_INGEST_EXPIRY;

  @Option(names = "--registry-config", paramLabel = "DIR",
      description = "A directory per registry host (HOST[:PORT]) with its CA certificates (*.crt) and hosts.toml (mirrors, containerd's format); default: ${DEFAULT-VALUE}.")
  Path registryConfig = RegistryTransfers.DEFAULT_CERTS_DIR;

  @Option(names = "--cri-streaming-address", paramLabel = "HOST:PORT", converter = AddressConverter.class,
      description = "Where the CRI's streaming server (exec, attach, port-forward URLs) listens (default: 127.0.0.1 on a free port).")
  InetSocketAddress criStreaming = DaemonConfig.DEFAULT_CRI_STREAMING;

  @Option(names = "--debug", description = "Log every call.")
  boolean debug;

  /** The service groups, as the command line spells them. */
  enum GroupName { content, metadata, snapshots, network, tasks, volumes, gc, transfer, cri }

  @Override
  public Integer call() {
    List<String> groups = services == null || services.isEmpty()
        ? ServiceGroups.NAMES
        : ServiceGroups.NAMES.stream().filter(n -> services.stream().anyMatch(s -> s.name().equals(n))).toList();
    return Berthd.run(new DaemonConfig(root.toAbsolutePath(), state.toAbsolutePath(), group, networkNamespace,
        ingestExpiry, registryConfig.toAbsolutePath(), criStreaming), groups, debug);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
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
