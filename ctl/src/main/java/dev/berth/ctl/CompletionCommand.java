package dev.berth.ctl;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berthctl completion}: the shell completion script, generated from the commands themselves. */
@Command(name = "completion",
    description = "Print a bash completion script for berthctl (it also works in zsh with bashcompinit).",
    footerHeading = "%nExamples:%n",
    footer = {"  source <(berthctl completion bash)",
        "  berthctl completion bash > /etc/bash_completion.d/berthctl"})
final class CompletionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "SHELL", arity = "0..1", defaultValue = "bash", description = "bash (the default)")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unsupported shell " + shell + ": only bash");
    }
    CommandLine top = spec.commandLine().getParent();
    top.getOut().print(AutoComplete.bash("berthctl", top));
    top.getOut().flush();
    return 0;
  }
}
