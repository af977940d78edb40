package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BuildPlanTest {
  private static BuildOptions options(String target, Map<String, String> labels) {
    return new BuildOptions(List.of(), Map.of(), labels, target, "bridge", false);
  }

  private static BuildPlan plan(String text, String target) {
    return BuildPlan.of(DockerfileParser.parse(text), options(target, Map.of()));
  }

  @Test
  void stagesMetaArgsAndSteps() {
    BuildPlan p = plan("ARG V=1\nFROM a AS one\nRUN x\nFROM b\nCOPY --from=one /x /y\n", null);
    assertEquals(1, p.metaArgs().size());
    assertEquals(2, p.stages().size());
    assertEquals(5, p.steps());
  }

  @Test
  void targetCutsTheLaterStagesAndLabelsGoLast() {
    BuildPlan p = BuildPlan.of(DockerfileParser.parse("FROM a AS one\nRUN x\nFROM b AS two\nRUN y\n"),
        options("ONE", Map.of("z", "1", "a", "x y")));
    assertEquals(1, p.stages().size());
    assertEquals(List.of("FROM a AS one", "RUN x", "LABEL a=x y", "LABEL z=1"),
        p.stages().get(0).stream().map(Instruction::original).toList());
    assertEquals("target stage \"nope\" could not be found",
        assertThrows(DockerfileException.class, () -> plan("FROM a\n", "nope")).getMessage());
  }

  @Test
  void argsAloneMakeAPlanWithoutStages() {
    BuildPlan p = BuildPlan.of(DockerfileParser.parse("ARG A=1\n"), options(null, Map.of("l", "v")));
    assertEquals(List.of(), p.stages());
    assertEquals(1, p.steps());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "RUN x|no build stage in current context",
      "FROM a\\nRUN --security=insecure x|dockerfile parse error on line 2: the --security option of RUN is not "
          + "supported by berthctl build",
      "FROM a\\nRUN --network=host x|dockerfile parse error on line 2: RUN --network=host is not supported by "
          + "berthctl build: default (the build's --network) or none",
      "FROM a\\nCOPY --link=maybe a b|dockerfile parse error on line 2: expecting boolean value for flag link, not: "
          + "maybe",
      "FROM a\\nCOPY a <<EOF\\nx\\nEOF|dockerfile parse error on line 2: COPY cannot accept a heredoc as a "
          + "destination",
      "FROM a\\nRUN <<EOF\\nx|dockerfile parse error on line 2: unterminated heredoc",
      "FROM a\\nCOPY --nope=1 a b|dockerfile parse error on line 2: Unknown flag: nope",
      "FROM a\\nADD https://example.org/x /x|dockerfile parse error on line 2: ADD of a URL (https://example.org/x) "
          + "is not supported by berthctl build: only local files of the context or of --from",
      "FROM a\\nCOPY onlyone|dockerfile parse error on line 2: COPY requires at least two arguments, but only one "
          + "was provided. Destination could not be determined.",
      "FROM a\\nSHELL /bin/bash -c|dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form",
      "FROM a\\nONBUILD ONBUILD RUN x|dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` "
          + "isn't allowed",
      "FROM a b|dockerfile parse error on line 1: FROM requires either one or three arguments",
      "FROM a\\nRUN|dockerfile parse error on line 2: RUN requires at least one argument",
      "FROM a\\nHEALTHCHECK --retries=x CMD true|dockerfile parse error on line 2: invalid --retries x",
  })
  void refusals(String text, String message) {
    assertEquals(message, assertThrows(DockerfileException.class, () -> plan(text.replace("\\n", "\n"), null))
        .getMessage());
  }
}
