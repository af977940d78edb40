package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The models berthctl builds from generated code (dev.berth.ctl.codegen.CommandModelProcessor)
 * against those picocli builds by reflecting over the same annotated classes: every command,
 * subcommand, option, positional parameter and usage text alike, so a command line parses and
 * its help reads as picocli's annotations say.
 */
class GeneratedCommandModelsTest {
  static Stream<Class<?>> topLevelCommands() {
    return Subcommands.ALL.stream();
  }

  @ParameterizedTest
  @MethodSource("topLevelCommands")
  void aGeneratedModelIsWhatPicocliBuildsFromTheAnnotations(Class<?> type) throws Exception {
    CommandSpec reflected = new CommandLine(CommandLine.defaultFactory().create(type)).getCommandSpec();
    CommandSpec generated = new CommandLine(GeneratedCommands.spec(type, null)).getCommandSpec();
    assertEquals(describe(reflected, ""), describe(generated, ""));
  }

  @Test
  void theRootsGeneratedModelIsWhatPicocliBuildsFromTheAnnotations() {
    Io io = new Io(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(),
        new PrintStream(OutputStream.nullOutputStream()), Map.of(), false);
    CommandSpec reflected = new CommandLine(new BerthCtl(io)).getCommandSpec();
    CommandSpec generated = new CommandLine(CommandModels.berthCtlOf(new BerthCtl(io), null)).getCommandSpec();
    assertEquals(describe(reflected, ""), describe(generated, ""));
  }

  /** Everything of a model that parsing and help read, one line each, subcommands indented. */
  private static String describe(CommandSpec spec, String indent) {
    StringBuilder b = new StringBuilder();
    var usage = spec.usageMessage();
    b.append(indent).append("command ").append(spec.name()).append(" aliases=").append(Arrays.toString(spec.aliases()))
        .append(" scope=").append(spec.scopeType()).append(" hidden=").append(usage.hidden())
        .append(" description=").append(Arrays.toString(usage.description()))
        .append(" header=").append(Arrays.toString(usage.header()))
        .append(" footerHeading=").append(usage.footerHeading())
        .append(" footer=").append(Arrays.toString(usage.footer()))
        .append(" mixins=").append(spec.mixins().keySet().stream().sorted().toList())
        .append(" version=").append(Arrays.toString(spec.version()))
        .append(" versionProvider=").append(spec.versionProvider() == null ? null : spec.versionProvider().getClass())
        .append('\n');
    List<OptionSpec> options = spec.options().stream().sorted(Comparator.comparing(OptionSpec::longestName)).toList();
    for (OptionSpec o : options) {
      b.append(indent).append("  option ").append(Arrays.toString(o.names())).append(argument(o))
          .append(" negatable=").append(o.negatable()).append(" fallback=").append(o.fallbackValue())
          .append(" order=").append(o.order()).append(" usageHelp=").append(o.usageHelp())
          .append(" versionHelp=").append(o.versionHelp()).append('\n');
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      b.append(indent).append("  positional index=").append(p.index()).append(argument(p)).append('\n');
    }
    spec.subcommands().forEach((name, sub) -> {
      b.append(indent).append("  subcommand ").append(name).append('\n');
      if (name.equals(sub.getCommandName())) {
        b.append(describe(sub.getCommandSpec(), indent + "    "));
      }
    });
    return b.toString();
  }

  private static String argument(ArgSpec a) {
    return " arity=" + a.arity() + (a.arity().isUnspecified() ? "(unspecified)" : "")
        + " type=" + a.type().getName() + " auxiliary=" + Arrays.toString(a.auxiliaryTypes())
        + " label=" + a.paramLabel() + " description=" + Arrays.toString(a.description())
        + " default=" + a.defaultValue() + " initial=" + a.initialValue() + " hasInitial=" + a.hasInitialValue()
        + " hidden=" + a.hidden() + " required=" + a.required() + " split=" + a.splitRegex()
        + " interactive=" + a.interactive() + " scope=" + a.scopeType() + " inherited=" + a.inherited();
  }
}
