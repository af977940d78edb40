package dev.berth.ctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code berthctl network ...}): alone it is a usage error. */
public abstract class GroupCommand implements Runnable {
  @Spec
  protected CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
