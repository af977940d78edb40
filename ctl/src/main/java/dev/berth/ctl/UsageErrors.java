package dev.berth.ctl;

import dev.berth.ctl.flags.PflagRefusal;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * A command line berthctl cannot read, reported as Docker reports it: what is wrong, then where
 * help is, and Docker's exit code: 125 for a flag (unknown, without its value, a bad value), 1 for
 * the words (a command that does not exist, too few or too many arguments). A group of commands
 * given a word it has no command for prints its usage instead, as Docker's do.
 * <pre>
 * berthctl run: requires at least 1 argument.
 * See 'berthctl run --help'.
 * </pre>
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  public static final int EXIT = 125;
  /** Docker's code for arguments its commands refuse: a plain error, not a flag's. */
  public static final int ARGUMENTS_EXIT = 1;
  private static final Set<String> HELP_FLAGS = Set.of("-h", "--help", "-V", "--version");

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String rootFlag = unknownRootFlag(args);
    if (rootFlag != null) {
      // picocli reports the command after it, whose words no longer parse
      err.println(flag(rootFlag));
      err.println("See 'berthctl --help'.");
    } else if (unknownSubcommand(e)) {
      // Docker's groups take no arguments, and their refusal is the group's usage after an empty line
      err.println();
      cmd.usage(err);
    } else {
      err.println(PflagRefusal.message(e, args).orElseGet(() -> message(e)));
      err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    }
    err.flush();
    return rootFlag == null && aboutArguments(e) ? ARGUMENTS_EXIT : EXIT;
  }

  /**
   * Whether {@code e} is a word a group of commands ({@code network}, {@code image}; not berthctl
   * itself) does not have as a command, before any unknown flag.
   */
  private static boolean unknownSubcommand(ParameterException e) {
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    return e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
        && spec.parent() != null && !spec.subcommands().isEmpty()
        && u.getUnmatched().stream().noneMatch(a -> a.startsWith("-") && a.length() > 1);
  }

  /** Whether {@code e} is about the command's words rather than its flags. */
  static boolean aboutArguments(ParameterException e) {
    if (e instanceof TooManyArguments) {
      return true;
    }
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      return u.getUnmatched().stream().noneMatch(a -> a.startsWith("-") && a.length() > 1);
    }
    return e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
        && m.getMissing().get(0) instanceof PositionalParamSpec;
  }

  static String message(ParameterException e) {
    CommandSpec spec = e.getCommandLine().getCommandSpec();
    String command = spec.qualifiedName();
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      // a flag berthctl does not know explains more than the words that follow it
      String first = u.getUnmatched().stream().filter(a -> a.startsWith("-") && a.length() > 1).findFirst()
          .orElse(u.getUnmatched().get(0));
      if (first.startsWith("-") && first.length() > 1) {
        return flag(first);
      }
      if (!spec.subcommands().isEmpty()) {
        List<String> suggestions = u.getSuggestions().stream().filter(s -> closeTo(first, s)).toList();
        return command + ": '" + first + "' is not a " + command + " command."
            + (suggestions.isEmpty() ? "" : " Did you mean " + String.join(" or ", suggestions) + "?");
      }
      int max = maxArguments(spec);
      return command + ": " + (max == 0 ? "accepts no arguments." : arguments("at most", max) + ".");
    }
    if (e instanceof TooManyArguments t) {
      return command + ": " + arguments("at most", t.max()) + ".";
    }
    if (e instanceof CommandLine.MissingParameterException m) {
      List<ArgSpec> missing = m.getMissing();
      if (!missing.isEmpty() && missing.get(0) instanceof OptionSpec option
          && e.getMessage().startsWith("Missing required parameter for option")) {
        return "flag needs an argument: " + option.longestName();
      }
      if (!missing.isEmpty() && missing.get(0) instanceof PositionalParamSpec) {
        int min = minArguments(spec);
        return command + ": " + arguments(min == maxArguments(spec) ? "exactly" : "at least", min) + ".";
      }
    }
    String message = e.getMessage();
    return command + ": " + (message.endsWith(".") ? message : message + ".");
  }

  /**
   * Whether {@code candidate} is worth suggesting for {@code typed}: as Docker's CLI (cobra) judges
   * it, a prefix of it or at most two edits away. picocli's own suggestions are looser.
   */
  static boolean closeTo(String typed, String candidate) {
    if (candidate.startsWith(typed)) {
      return true;
    }
    int[] previous = new int[candidate.length() + 1];
    int[] current = new int[candidate.length() + 1];
    for (int j = 0; j <= candidate.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= typed.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= candidate.length(); j++) {
        int substitution = previous[j - 1] + (typed.charAt(i - 1) == candidate.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[candidate.length()] <= 2;
  }

  private static String flag(String arg) {
    return arg.startsWith("--") ? "unknown flag: " + arg.split("=", 2)[0]
        : "unknown shorthand flag: '" + arg.charAt(1) + "' in " + arg;
  }

  /** A flag before the command word that berthctl itself does not have, or null. */
  private static String unknownRootFlag(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (Subcommands.ROOT_OPTIONS_WITH_VALUE.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        return null;
      } else if (!HELP_FLAGS.contains(a) && !Subcommands.ROOT_FLAGS.contains(a)
          && !Subcommands.ROOT_OPTIONS_WITH_VALUE.contains(a.split("=", 2)[0])) {
        return a;
      }
    }
    return null;
  }

  private static String arguments(String bound, int n) {
    return "requires " + bound + " " + n + " argument" + (n == 1 ? "" : "s");
  }

  private static int minArguments(CommandSpec spec) {
    return spec.positionalParameters().stream().filter(p -> !p.hidden()).mapToInt(p -> p.arity().min()).sum();
  }

  private static int maxArguments(CommandSpec spec) {
    long max = spec.positionalParameters().stream().filter(p -> !p.hidden())
        .mapToLong(p -> p.arity().isUnresolved() ? 0 : p.arity().max()).sum();
    return (int) Math.min(max, Integer.MAX_VALUE);
  }
}
