package dev.berth.ctl.flags;

import java.util.Optional;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * pflag's words for a flag's value its type refused: {@code invalid argument "VALUE" for "FLAG"
 * flag: GO ERROR}. pflag names a flag that has a shorthand by both ({@code -c, --cpu-shares}),
 * whichever was typed; an alias registered as a flag of its own (stop's {@code --time}) by itself.
 */
public final class PflagRefusal {
  private PflagRefusal() {}

  /** pflag's message for {@code e}, if it is a value refused by one of the types in this package. */
  public static Optional<String> message(ParameterException e, String[] args) {
    if (!(e.getCause() instanceof GoValueError error) || !(e.getArgSpec() instanceof OptionSpec option)) {
      return Optional.empty();
    }
    String value = e.getValue();
    return Optional.of("invalid argument \"" + goQuoted(value) + "\" for \"" + flagName(option, value, args)
        + "\" flag: " + error.getMessage());
  }

  /** Go's %q of plain text: quotes and backslashes escaped. */
  private static String goQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String flagName(OptionSpec option, String value, String[] args) {
    String shorthand = null;
    for (String name : option.names()) {
      if (name.length() == 2 && name.startsWith("-")) {
        shorthand = name;
      }
    }
    String canonical = option.longestName();
    String typed = typedName(option, value, args);
    if (typed != null && typed.startsWith("--") && !typed.equals(canonical)) {
      return typed;
    }
    return shorthand == null ? canonical : shorthand + ", " + canonical;
  }

  /** The name the user typed for {@code option} with {@code value}, or null if it cannot be told. */
  private static String typedName(OptionSpec option, String value, String[] args) {
    for (int i = 0; i < args.length; i++) {
      for (String name : option.names()) {
        boolean separate = args[i].equals(name) && i + 1 < args.length && args[i + 1].equals(value);
        if (separate || args[i].equals(name + "=" + value)) {
          return name;
        }
      }
    }
    return null;
  }
}
