package dev.berth.ctl.output;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** A list command's {@code --filter} values as Docker's CLI takes them: each a {@code KEY=VALUE}. */
public final class FilterArguments {
  private FilterArguments() {}

  /**
   * Refuses a filter that is no {@code KEY=VALUE} as a bad flag value (exit 125), in Docker's
   * CLI's words, before berthd is asked.
   */
  public static void requireKeyValues(CommandLine command, List<String> filters) {
    for (String f : filters) {
      if (!f.contains("=")) {
        throw new ParameterException(command,
            "invalid argument \"" + f + "\" for \"-f, --filter\" flag: bad format of filter (expected name=value)");
      }
    }
  }
}
