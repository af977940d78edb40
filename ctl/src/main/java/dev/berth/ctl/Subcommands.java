package dev.berth.ctl;

import dev.berth.ctl.container.AttachCommand;
import dev.berth.ctl.container.CommitCommand;
import dev.berth.ctl.container.ContainerCommand;
import dev.berth.ctl.container.CpCommand;
import dev.berth.ctl.container.DiffCommand;
import dev.berth.ctl.container.ExportCommand;
import dev.berth.ctl.container.CreateCommand;
import dev.berth.ctl.container.ExecCommand;
import dev.berth.ctl.container.InspectCommand;
import dev.berth.ctl.container.KillCommand;
import dev.berth.ctl.container.LogsCommand;
import dev.berth.ctl.container.PauseCommand;
import dev.berth.ctl.container.PortCommand;
import dev.berth.ctl.container.PsCommand;
import dev.berth.ctl.container.RenameCommand;
import dev.berth.ctl.container.RestartCommand;
import dev.berth.ctl.container.RmCommand;
import dev.berth.ctl.container.RunCommand;
import dev.berth.ctl.container.StartCommand;
import dev.berth.ctl.container.StatsCommand;
import dev.berth.ctl.container.StopCommand;
import dev.berth.ctl.container.TaskCommand;
import dev.berth.ctl.container.TopCommand;
import dev.berth.ctl.container.UnpauseCommand;
import dev.berth.ctl.container.UpdateCommand;
import dev.berth.ctl.container.WaitCommand;
import dev.berth.ctl.content.ContentCommand;
import dev.berth.ctl.image.BuildCommand;
import dev.berth.ctl.image.HistoryCommand;
import dev.berth.ctl.image.ImageCommand;
import dev.berth.ctl.image.ImagesCommand;
import dev.berth.ctl.image.ImportCommand;
import dev.berth.ctl.image.LoadCommand;
import dev.berth.ctl.image.LoginCommand;
import dev.berth.ctl.image.LogoutCommand;
import dev.berth.ctl.image.PullCommand;
import dev.berth.ctl.image.PushCommand;
import dev.berth.ctl.image.RmiCommand;
import dev.berth.ctl.image.SaveCommand;
import dev.berth.ctl.image.SnapshotCommand;
import dev.berth.ctl.image.TagCommand;
import dev.berth.ctl.network.NetworkCommand;
import dev.berth.ctl.system.SystemCommand;
import dev.berth.ctl.volume.VolumeCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * berthctl's top-level commands, of which a run builds only the one it names. Building all ~66
 * commands (creating each class, running its static initialiser) cost most of berthctl's
 * start-up. A run that names a command adds that one alone. Otherwise (root help, a root option
 * before the command word, an unknown word) the others are stand-ins with the command's name,
 * aliases and description alone (what the root's help and picocli's suggestions need), which
 * neither create the class nor run its static initialiser; even so each costs picocli a command
 * line of its own, so a named command goes without them. Both come from {@link GeneratedCommands},
 * code written from the commands' annotations when berthctl is compiled.
 */
final class Subcommands {
  /** In the order the root's help lists them. */
  static final List<Class<?>> ALL = List.of(VersionCommand.class, InfoCommand.class, NamespaceCommand.class, ContentCommand.class,
      ImagesCommand.class, ImageCommand.class, BuildCommand.class, HistoryCommand.class, PullCommand.class, PushCommand.class, LoginCommand.class,
      LogoutCommand.class, LoadCommand.class, SaveCommand.class, ImportCommand.class, TagCommand.class, RmiCommand.class,
      SnapshotCommand.class, NetworkCommand.class, PortCommand.class, RunCommand.class, CreateCommand.class,
      StartCommand.class, AttachCommand.class, PsCommand.class, StopCommand.class, RestartCommand.class,
      KillCommand.class, RmCommand.class, LogsCommand.class, ExecCommand.class, InspectCommand.class,
      PauseCommand.class, UnpauseCommand.class, WaitCommand.class, TopCommand.class, StatsCommand.class,
      RenameCommand.class, UpdateCommand.class, CpCommand.class, CommitCommand.class, DiffCommand.class, ExportCommand.class, EventsCommand.class, VolumeCommand.class,
      TaskCommand.class, ContainerCommand.class, SystemCommand.class, CompletionCommand.class);

  /** The root's options that take a value in the next word, as {@link BerthCtl} declares them. */
  static final Set<String> ROOT_OPTIONS_WITH_VALUE = Set.of("--address", "-H", "--host", "--namespace", "-l",
      "--log-level", "--config");
  /** The root's flags that take no value: settings, unlike help and version. */
  static final Set<String> ROOT_FLAGS = Set.of("-D", "--debug");

  /** Completion walks the whole tree of commands. */
  private static final String NEEDS_ALL = "completion";

  private Subcommands() {}

  /**
   * Adds to {@code root} the command {@code args} name, built, and, unless that alone runs, every
   * other top-level command as a stand-in.
   */
  static void addTo(CommandLine root, String[] args) {
    String named = named(args);
    boolean all = NEEDS_ALL.equals(named);
    Object parent = root.getCommand();
    if (!all && named != null && !rootOptionFirst(args)) {
      for (Class<?> type : ALL) {
        if (GeneratedCommands.names(type).contains(named)) {
          root.addSubcommand(GeneratedCommands.spec(type, parent));
          return;
        }
      }
    }
    for (Class<?> type : ALL) {
      boolean builds = all || named != null && GeneratedCommands.names(type).contains(named);
      root.addSubcommand(builds ? GeneratedCommands.spec(type, parent) : GeneratedCommands.standIn(type));
    }
  }

  /**
   * Whether a root option other than the settings (socket, namespace, logging, config directory)
   * comes before the command word: {@code berthctl --help ps} prints the root's help, which lists
   * every command.
   */
  static boolean rootOptionFirst(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (ROOT_OPTIONS_WITH_VALUE.contains(args[i])) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return false;
      } else if (!ROOT_FLAGS.contains(args[i]) && !ROOT_OPTIONS_WITH_VALUE.contains(optionName(args[i]))) {
        return true;
      }
    }
    return false;
  }

  /** The name in {@code --name=value}; the argument itself without {@code =}. */
  private static String optionName(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }

  /** Docker's {@code image SUBCOMMAND} forms of the top-level image commands, by subcommand. */
  private static final Map<String, String> IMAGE_FORMS = Map.ofEntries(Map.entry("ls", "images"),
      Map.entry("list", "images"), Map.entry("rm", "rmi"), Map.entry("remove", "rmi"), Map.entry("pull", "pull"),
      Map.entry("push", "push"), Map.entry("load", "load"), Map.entry("save", "save"), Map.entry("import", "import"),
      Map.entry("tag", "tag"), Map.entry("history", "history"), Map.entry("build", "build"));

  /**
   * Docker's {@code container SUBCOMMAND} forms of the top-level container commands, by
   * subcommand. The {@code container} group's own {@code prune}, {@code records} and
   * {@code delete} (container records, as ctr's) stay its own.
   */
  private static final Map<String, String> CONTAINER_FORMS = Map.ofEntries(Map.entry("ls", "ps"),
      Map.entry("list", "ps"), Map.entry("ps", "ps"), Map.entry("rm", "rm"), Map.entry("remove", "rm"),
      Map.entry("attach", "attach"), Map.entry("commit", "commit"), Map.entry("cp", "cp"), Map.entry("create", "create"),
      Map.entry("diff", "diff"), Map.entry("exec", "exec"), Map.entry("export", "export"),
      Map.entry("inspect", "inspect"), Map.entry("kill", "kill"), Map.entry("logs", "logs"),
      Map.entry("pause", "pause"), Map.entry("port", "port"), Map.entry("rename", "rename"),
      Map.entry("restart", "restart"), Map.entry("run", "run"), Map.entry("start", "start"),
      Map.entry("stats", "stats"), Map.entry("stop", "stop"), Map.entry("top", "top"),
      Map.entry("unpause", "unpause"), Map.entry("update", "update"), Map.entry("wait", "wait"));

  /**
   * {@code args} with Docker's management form of an image or container command ({@code image ls},
   * {@code image rm}, {@code container stop}, {@code container logs} ...) replaced by its
   * top-level command ({@code container inspect} by {@code inspect --type container}), and
   * {@code help COMMAND} by {@code COMMAND --help}; others unchanged.
   */
  static String[] withTopLevelNames(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (ROOT_OPTIONS_WITH_VALUE.contains(args[i])) {
        i++;
      } else if (args[i].equals("help")) {
        // Docker's help COMMAND...: that command's --help (the root's without one)
        List<String> rewritten = new ArrayList<>(Arrays.asList(args));
        rewritten.remove(i);
        rewritten.add("--help");
        return withTopLevelNames(rewritten.toArray(String[]::new));
      } else if (!args[i].startsWith("-")) {
        if (i + 1 >= args.length) {
          return args;
        }
        String word = args[i + 1];
        List<String> rewritten = new ArrayList<>(Arrays.asList(args));
        if (args[i].equals("image") && IMAGE_FORMS.containsKey(word)) {
          rewritten.set(i, IMAGE_FORMS.get(word));
        } else if (args[i].equals("container") && CONTAINER_FORMS.containsKey(word)) {
          rewritten.set(i, CONTAINER_FORMS.get(word));
          if (word.equals("inspect")) {
            rewritten.add(i + 2, "--type=container");
          }
        } else {
          return args;
        }
        rewritten.remove(i + 1);
        return rewritten.toArray(String[]::new);
      }
    }
    return args;
  }

  /** The command word: the first word that is neither a root option nor an option's value. */
  static String named(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (ROOT_OPTIONS_WITH_VALUE.contains(args[i])) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return null;
  }
}
