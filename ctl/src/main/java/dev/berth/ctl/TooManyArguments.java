package dev.berth.ctl;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * More arguments of one kind than a command takes, where picocli cannot count them: its
 * positional parameters take other words beside them (as {@code images} takes containerd
 * filters beside its one name). Reported as Docker reports too many arguments, exit 1.
 */
public final class TooManyArguments extends ParameterException {
  private final int max;

  public TooManyArguments(CommandLine command, int max) {
    super(command, "requires at most " + max + " argument" + (max == 1 ? "" : "s"));
    this.max = max;
  }

  public int max() {
    return max;
  }
}
