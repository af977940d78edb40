package dev.berth.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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

  @Option(names = "--debug", description = "Log every call.")
  boolean debug;

  /** The service groups, as the command line spells them. */
  enum GroupName { content, metadata, snapshots, network, tasks, volumes, transfer }

  @Override
  public Integer call() {
    List<String> groups = services == null || services.isEmpty()
        ? ServiceGroups.NAMES
        : ServiceGroups.NAMES.stream().filter(n -> services.stream().anyMatch(s -> s.name().equals(n))).toList();
    return Berthd.run(new DaemonConfig(root.toAbsolutePath(), state.toAbsolutePath(), group, networkNamespace), groups, debug);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"berthd " + (v == null ? "development build" : v)};
    }
  }
}
