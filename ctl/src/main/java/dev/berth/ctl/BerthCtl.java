package dev.berth.ctl;

import dev.berth.client.ClientException;
import dev.berth.client.registry.RegistryCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** berthctl: the Docker-style command line for Berth, over the containerd-compatible gRPC API. */
@Command(name = "berthctl",
    scope = ScopeType.INHERIT,
    versionProvider = BerthCtl.VersionProvider.class,
    description = "Manage Berth (berthd) through its containerd-compatible API.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  berthctl version",
        "  berthctl --namespace demo content ls",
        "  berthctl load -i busybox.tar && berthctl images",
        "  berthctl --address /tmp/berth/berth.sock namespace ls --format json",
        "  berthctl -H unix:///tmp/berth/berth.sock ps",
        "  berthctl network create web --subnet 10.89.0.0/24 && berthctl network ls",
        "  berthctl run -d --name web -p 8080:80 busybox httpd -f -p 80 && berthctl ps",
        "  berthctl logs -f web; berthctl exec -it web sh; berthctl rm -f web",
        "",
        "Commands exit 1 when they fail, as docker's do; run exits 125 when berthctl or berthd fails before the "
            + "container's process runs, and create when a flag's value is wrong, as in docker. Usage errors (an "
            + "unknown flag, a missing argument) exit 125; output cut short by a "
            + "closed pipe (berthctl ... | head) ends quietly with 141, as a process killed by SIGPIPE.",
        "Environment: BERTH_ADDRESS (socket), BERTH_NAMESPACE (namespace), BERTH_CONFIG (login's directory)."})
public final class BerthCtl extends GroupCommand {
  static final String DEFAULT_ADDRESS = "/run/berth/berth.sock";
  static final String DEFAULT_NAMESPACE = "default";

  @Option(names = "--address", paramLabel = "SOCK", scope = ScopeType.INHERIT,
      description = "berthd's socket (default: $BERTH_ADDRESS, else " + DEFAULT_ADDRESS + ")")
  String address;

  @Option(names = "--namespace", paramLabel = "NS", scope = ScopeType.INHERIT,
      description = "namespace to work in (default: $BERTH_NAMESPACE, else " + DEFAULT_NAMESPACE + ")")
  String namespace;

  // Docker's global flags, before the command word only: inherited, -H and -l would clash with
  // history's -H and the -l of ps and run
  @Option(names = {"-H", "--host"}, paramLabel = "unix://SOCK",
      description = "docker's flag for berthd's socket, as --address: unix://PATH or PATH")
  String host;

  @Option(names = {"-D", "--debug"}, description = "print debug log records on stderr (--log-level debug)")
  boolean debug;

  @Option(names = {"-l", "--log-level"}, paramLabel = "LEVEL",
      description = "print log records of this level and above on stderr: ${COMPLETION-CANDIDATES} (default: none)")
  LogLevel logLevel;

  @Option(names = "--config", paramLabel = "DIR",
      description = "where login keeps credentials, config.json (default: $BERTH_CONFIG, else ~/.config/berth)")
  String config;

  private final Io io;
  private final PrintWriter out;
  private final PrintWriter err;
  private final ErrorHandler errors = new ErrorHandler(this::address);

  BerthCtl(Io io) {
    this.io = io;
    // a listing of up to 64 KiB leaves in one write, as Docker's (see Output.lines); each
    // println still flushes, so what streams (logs, events) comes out as it is printed
    this.out = new PrintWriter(new OutputStreamWriter(new BufferedOutputStream(io.out(), 1 << 16),
        StandardCharsets.UTF_8), true);
    this.err = new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true);
  }

  public static void main(String[] args) {
    StartupTrace.startIfAsked(System.getenv());
    Io io = Io.system();
    int exit = launch(io, args);
    StartupTrace.report(io.err());
    System.exit(exit);
  }

  /**
   * Runs one command line as a berthctl process does: with library logging silenced, and the
   * channel to berthd and the API's descriptors made on threads of their own while the command
   * line is parsed. The start-up caches' training runs its commands this way too.
   */
  static int launch(Io io, String[] given) {
    if (RootHelp.asked(given)) {
      try {
        if (RootHelp.print(io.out())) {
          return CommandLine.ExitCode.OK;
        }
      } catch (BrokenPipe e) {
        return BrokenPipe.EXIT;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    // Library log records (gRPC's) would add lines to the one-line error report.
    QuietLogging.install();
    String[] args = Subcommands.withTopLevelNames(given);
    if (Subcommands.named(args) != null && !asksForHelp(args)) {
      Connection.openAhead(addressIn(args, io.env()));
      DescriptorWarmUp.startFor(Subcommands.named(args));
    }
    return run(io, args);
  }

  /**
   * Runs one command line; returns the exit code: 0 done, 1 failed (125 where docker's run and create give it),
   * 125 usage error, 141 output pipe closed; run, start -a and exec return the container process's.
   */
  public static int run(Io io, String... given) {
    String[] args = Subcommands.withTopLevelNames(given);
    BerthCtl root = new BerthCtl(io);
    // built by code generated from the annotations below (ctl/src/codegen): picocli reflecting over
    // them cost 32-44 ms of every start
    CommandLine cmd = new CommandLine(CommandModels.berthCtlOf(root, null));
    addHelpOptions(cmd.getCommandSpec());
    StartupTrace.mark("root command built");
    // before the settings below, which picocli gives only the subcommands already there
    Subcommands.addTo(cmd, args);
    StartupTrace.mark("subcommands added");
    for (String name : List.of("run", "create")) {
      CommandLine sub = cmd.getSubcommands().get(name);
      if (sub != null) {
        hostnameTakesMinusH(sub.getCommandSpec());
      }
    }
    cmd.setOut(root.out)
        .setErr(root.err)
        .setCaseInsensitiveEnumValuesAllowed(true)
        // as Docker's flag parser: a flag given again takes its last value (--rm --rm, --name a --name b),
        // which wrappers adding their flags to a user's rely on
        .setOverwrittenOptionsAllowed(true)
        .setExecutionExceptionHandler(root.errors)
        .setParameterExceptionHandler(new UsageErrors())
        // help printed into a closed pipe comes out of picocli unwrapped, past the handler above,
        // which picocli would report with a stack trace
        .setExecutionStrategy(parsed -> {
          root.showLogRecords();
          try {
            return new CommandLine.RunLast().execute(parsed);
          } catch (BrokenPipe e) {
            return BrokenPipe.EXIT;
          }
        });
    StartupTrace.mark("command line built");
    // docker's way: what follows the image (or the container of exec and top) is the command, options included
    for (String name : List.of("run", "create", "exec", "top")) {
      CommandLine sub = cmd.getSubcommands().get(name);
      if (sub != null) {
        sub.setStopAtPositional(true);
      }
    }
    try {
      int exit = cmd.execute(args);
      root.out.flush();
      return exit;
    } catch (BrokenPipe e) {
      return BrokenPipe.EXIT;
    } finally {
      root.err.flush();
    }
  }

  /**
   * {@code -h/--help} and {@code -V/--version} on every command, as picocli's standard help
   * options, built here rather than by {@code mixinStandardHelpOptions}: that reflects over
   * picocli's mixin class once for each command it reaches, the root's help's 47 stand-ins
   * included, which was most of that screen's start-up. Inherited options are copied instead.
   */
  private static void addHelpOptions(CommandSpec spec) {
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class).arity("0")
        .description("Show this help message and exit.").scopeType(ScopeType.INHERIT).build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class).arity("0")
        .description("Print version information and exit.").scopeType(ScopeType.INHERIT).build());
  }

  /**
   * Docker's run and create take {@code -h} for {@code --hostname} and their help as
   * {@code --help} alone, so {@code run -h web IMAGE} names the container's host instead of
   * printing the help and running nothing.
   */
  private static void hostnameTakesMinusH(CommandSpec spec) {
    OptionSpec help = spec.findOption("--help");
    OptionSpec hostname = spec.findOption("--hostname");
    if (help == null || hostname == null) {
      return; // a stand-in, which the root's help lists by name only
    }
    spec.remove(help);
    spec.remove(hostname);
    spec.addOption(OptionSpec.builder(help).names("--help").build());
    spec.addOption(OptionSpec.builder(hostname).names("-h", "--hostname").build());
  }

  /** Whether {@code args} ask for a command's help, which needs no berthd. */
  static boolean asksForHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("-h") || arg.equals("--help")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The socket {@code args} name before the command word, else the environment's, else the default:
   * what {@link #address()} will say once picocli has parsed them, for opening a channel ahead.
   */
  static Path addressIn(String[] args, Map<String, String> env) {
    String a = null;
    String h = null;
    for (int i = 0; i < args.length && args[i].startsWith("-"); i++) {
      int eq = args[i].indexOf('=');
      String name = eq < 0 ? args[i] : args[i].substring(0, eq);
      String value = eq >= 0 ? args[i].substring(eq + 1) : i + 1 < args.length ? args[i + 1] : null;
      if (name.equals("--address")) {
        a = value;
      } else if (name.equals("-H") || name.equals("--host")) {
        h = value;
      }
      if (eq < 0 && Subcommands.ROOT_OPTIONS_WITH_VALUE.contains(name)) {
        i++;
      }
    }
    return socketPath(a != null ? a : h != null ? h : env.getOrDefault("BERTH_ADDRESS", ""));
  }

  public Io io() {
    return io;
  }

  public PrintWriter out() {
    return out;
  }

  /** How failures are reported. */
  public ErrorHandler errors() {
    return errors;
  }

  /** Where warnings and errors go: stderr, as docker writes them. */
  public PrintWriter err() {
    return err;
  }

  Path address() {
    String a = address != null ? address : host != null ? host : io.env().getOrDefault("BERTH_ADDRESS", "");
    if (a.contains("://") && !a.startsWith("unix://")) {
      throw new CommandFailure("berthd listens on a Unix socket only: give unix://PATH or PATH, not " + a);
    }
    return socketPath(a);
  }

  private static Path socketPath(String address) {
    String a = address.isEmpty() ? DEFAULT_ADDRESS : address;
    // Docker and grpc tools spell the address as a URI; ctr as a path. Take both.
    return Path.of(a.startsWith("unix://") ? a.substring("unix://".length()) : a);
  }

  public String namespace() {
    String ns = namespace != null ? namespace : io.env().getOrDefault("BERTH_NAMESPACE", "");
    return ns.isEmpty() ? DEFAULT_NAMESPACE : ns;
  }

  /** Where login, logout, pull and push keep registry credentials: {@code --config}'s directory, else the user's. */
  public RegistryCredentials registryCredentials() {
    return config != null ? new RegistryCredentials(Path.of(config, RegistryCredentials.FILE_NAME))
        : RegistryCredentials.forUser(io.env());
  }

  /** Docker's {@code -D} and {@code --log-level}; without either, berthctl prints no log records. */
  private void showLogRecords() {
    LogLevel level = debug ? LogLevel.debug : logLevel;
    if (level != null) {
      QuietLogging.show(level.level(), io.err());
    }
  }

  public Connection connect() {
    return Connection.open(address(), namespace());
  }

  /**
   * Applies {@code action} to each name, going on after a failure as docker rm does: each failure
   * is one line on stderr, and the exit code says whether any failed. Unreachable berthd stops it.
   */
  public int each(List<String> names, Consumer<String> action) {
    int exit = CommandLine.ExitCode.OK;
    for (String name : names) {
      try {
        action.accept(name);
      } catch (CommandFailure | ClientException | StatusRuntimeException e) {
        if (e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE) {
          throw s;
        }
        err.println(errors.message(e));
        exit = ErrorHandler.FAILURE;
      }
    }
    return exit;
  }

  /** One step of {@link #each(List, int, Action)}, which may fail. */
  public interface Action {
    void apply(String name) throws Exception;
  }

  /**
   * As {@link #each(List, Consumer)}, for steps that may throw anything: each failure is one line
   * on stderr and makes the exit code {@code failureCode}.
   */
  public int each(List<String> names, int failureCode, Action action) throws InterruptedException {
    return each(names, failureCode, action, null);
  }

  /**
   * As {@link #each(List, int, Action)}, with the failures printed after every name is done, as
   * Docker's CLI reports them for kill, stop, rm, pause, wait and the like: what succeeded first
   * (on stdout), then one line a failure, also when berthd stops answering half-way.
   */
  public int eachReportingFailuresLast(List<String> names, int failureCode, Action action)
      throws InterruptedException {
    return each(names, failureCode, action, () -> { });
  }

  /**
   * As Docker's inspect: {@code action} finds each name's object, going on after a failure;
   * {@code print} then shows what was found, and the failures follow, one line each.
   */
  public int inspectEach(List<String> names, Action action, Runnable print) throws InterruptedException {
    return each(names, ErrorHandler.FAILURE, action, print);
  }

  /** {@code beforeFailures}: null to report each failure at once, else what runs before they are reported. */
  private int each(List<String> names, int failureCode, Action action, Runnable beforeFailures)
      throws InterruptedException {
    int exit = CommandLine.ExitCode.OK;
    List<String> held = new ArrayList<>();
    try {
      for (String name : names) {
        try {
          action.apply(name);
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          if (e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE) {
            throw s;
          }
          if (e instanceof DaemonUnreachableException || e instanceof BrokenPipe) {
            throw (RuntimeException) e;
          }
          if (beforeFailures != null) {
            held.add(errors.message(e));
          } else {
            err.println(errors.message(e));
          }
          exit = failureCode;
        }
      }
    } finally {
      if (beforeFailures != null) {
        beforeFailures.run();
        out().flush();
        held.forEach(err::println);
      }
    }
    return exit;
  }

  /** This client's version, from the build. */
  static String clientVersion() {
    return ClientVersion.VALUE;
  }

  /** Read once: picocli asks for the version each time a command inherits the root's --version. */
  private static final class ClientVersion {
    static final String VALUE = read();

    private static String read() {
      Properties p = new Properties();
      try (InputStream in = BerthCtl.class.getResourceAsStream("version.properties")) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return p.getProperty("version");
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"berthctl " + clientVersion()};
    }
  }
}
