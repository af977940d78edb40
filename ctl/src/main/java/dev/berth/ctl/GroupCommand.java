package dev.berth.ctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code berthctl network ...}): alone it prints its
 * usage, as Docker's {@code docker network} does, on stderr as Docker's (exit 0).
 */
public abstract class GroupCommand implements Runnable {
  @Spec
  protected CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
