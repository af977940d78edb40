package dev.berth.client.build;

import dev.berth.client.containers.DockerfileWords;
import dev.berth.client.images.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Dockerfile checked and cut into what runs, before any step: the ARGs before the first FROM,
 * the stages up to {@code --target}, {@code --label}s as LABEL steps at the end of the last (as
 * Docker's builder adds them), and the number of steps {@code Step N/M} counts. Instructions and
 * flags Docker's legacy builder refuses, or that need BuildKit, are refused here by name.
 */
record BuildPlan(List<Instruction> metaArgs, List<List<Instruction>> stages, int steps) {
  /** The flags each instruction takes, those of BuildKit's frontend that berthctl build has; others are refused. */
  private static final Map<String, Set<String>> FLAGS = Map.of("FROM", Set.of("platform"), "RUN", Set.of("mount", "network"), "COPY",
      Set.of("from", "chown", "chmod", "link"), "ADD", Set.of("chown", "chmod", "link"), "HEALTHCHECK",
      Set.of("interval", "timeout", "start-period", "start-interval", "retries"));
  /** BuildKit's flags that berthctl build does not have. */
  private static final Set<String> BUILDKIT_FLAGS = Set.of("security", "parents",
      "exclude", "checksum", "keep-git-dir");

  static BuildPlan of(Dockerfile dockerfile, BuildOptions options) {
    List<Instruction> metaArgs = new ArrayList<>();
    List<List<Instruction>> stages = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Instruction i : dockerfile.instructions()) {
      check(i);
      if (i.keyword().equals("FROM")) {
        List<String> words = DockerfileWords.split(i.arguments(), dockerfile.escape(), null);
        if (words.size() != 1 && !(words.size() == 3 && words.get(1).equalsIgnoreCase("AS"))) {
          throw DockerfileException.atLine(i.line(), "FROM requires either one or three arguments");
        }
        names.add(words.size() == 3 ? words.get(2).toLowerCase(Locale.ROOT) : null);
        stages.add(new ArrayList<>(List.of(i)));
      } else if (stages.isEmpty()) {
        if (!i.keyword().equals("ARG")) {
          // Docker's words, without the line the parser's other refusals name
          throw new DockerfileException("no build stage in current context");
        }
        metaArgs.add(i);
      } else {
        stages.get(stages.size() - 1).add(i);
      }
    }
    if (options.target() != null && !options.target().isEmpty()) {
      int target = names.indexOf(options.target().toLowerCase(Locale.ROOT));
      if (target < 0) {
        // Docker's words (moby v27 builder/dockerfile/builder.go)
        throw new DockerfileException("target stage \"" + options.target() + "\" could not be found");
      }
      stages = stages.subList(0, target + 1);
    }
    // with ARGs alone there is no stage: Docker's builder runs them and then finds it made no image
    List<Instruction> last = stages.isEmpty() ? new ArrayList<>() : stages.get(stages.size() - 1);
    options.labels().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(label ->
        last.add(new Instruction("LABEL", Map.of(), quoted(label.getKey()) + "=" + quoted(label.getValue()), null,
            "LABEL " + label.getKey() + "=" + label.getValue(), 0)));
    int steps = metaArgs.size() + stages.stream().mapToInt(List::size).sum();
    return new BuildPlan(metaArgs, stages, steps);
  }

  /** A --label's key or value as one word, taken literally: no variables, quotes kept. */
  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
  }

  /** Refuses what the instruction cannot have, naming the line. */
  static void check(Instruction i) {
    for (String flag : i.flags().keySet()) {
      if (FLAGS.getOrDefault(i.keyword(), Set.of()).contains(flag)) {
        continue;
      }
      if (BUILDKIT_FLAGS.contains(flag)) {
        throw DockerfileException.atLine(i.line(), "the --" + flag + " option of " + i.keyword()
            + " is not supported by berthctl build");
      }
      throw DockerfileException.atLine(i.line(), "Unknown flag: " + flag);
    }
    String link = i.flags().get("link");
    if (link != null && !link.isEmpty() && !link.equalsIgnoreCase("true") && !link.equalsIgnoreCase("false")) {
      // BuildKit's words (frontend/dockerfile/instructions/bflag.go)
      throw DockerfileException.atLine(i.line(), "expecting boolean value for flag link, not: " + link);
    }
    String network = i.flags().get("network");
    if (network != null && !network.equals("default") && !network.equals("none")) {
      // host needs BuildKit's network.host entitlement, which berthctl build has no --allow to grant
      throw DockerfileException.atLine(i.line(), "RUN --network=" + network + " is not supported by berthctl build: "
          + "default (the build's --network) or none");
    }
    String args = i.arguments().strip();
    boolean needsArguments = !i.keyword().equals("HEALTHCHECK");
    if (needsArguments && args.isEmpty() && !i.execForm()) {
      throw DockerfileException.atLine(i.line(), i.keyword() + " requires at least one argument");
    }
    switch (i.keyword()) {
      case "SHELL" -> {
        if (!i.execForm()) {
          throw DockerfileException.atLine(i.line(), "SHELL requires the arguments to be in JSON form");
        }
        if (i.json().isEmpty()) {
          throw DockerfileException.atLine(i.line(), "SHELL requires at least one argument");
        }
      }
      case "COPY", "ADD" -> {
        List<String> words = i.execForm() ? i.json() : DockerfileWords.fields(args);
        if (words.size() < 2) {
          throw DockerfileException.atLine(i.line(), i.keyword() + " requires at least two arguments, but only one was "
              + "provided. Destination could not be determined.");
        }
        if (i.heredoc(words.get(words.size() - 1)) != null) {
          // BuildKit's words (frontend/dockerfile/instructions/parse.go)
          throw DockerfileException.atLine(i.line(), i.keyword() + " cannot accept a heredoc as a destination");
        }
        for (String source : words.subList(0, words.size() - 1)) {
          if (source.matches("(?i)[a-z][a-z0-9+.-]*://.*") || source.startsWith("git@")) {
            throw DockerfileException.atLine(i.line(), i.keyword() + " of a URL (" + source + ") is not supported by "
                + "berthctl build: only local files of the context or of --from");
          }
        }
      }
      case "ONBUILD" -> {
        String trigger = args.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        if (trigger.equals("ONBUILD")) {
          throw DockerfileException.atLine(i.line(), "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        }
        if (trigger.equals("FROM") || trigger.equals("MAINTAINER")) {
          throw DockerfileException.atLine(i.line(), trigger + " isn't allowed as an ONBUILD trigger");
        }
        // the trigger itself is read when it runs, as Docker's builder reads it
      }
      case "FROM" -> {
        String platform = i.flags().get("platform");
        if (platform != null && !platform.startsWith("$")
            && !Platform.parse(platform).matches(Platform.current())) {
          throw DockerfileException.atLine(i.line(), "FROM --platform=" + platform + ": berthctl build builds for "
              + "this host's platform (" + Platform.current() + ") only");
        }
      }
      // refused as it is read, as Docker's parser refuses it, not when its step comes
      case "HEALTHCHECK" -> HealthcheckInstruction.parse(i);
      default -> { }
    }
  }
}
