package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DockerfileParserTest {
  private static Instruction only(String text) {
    List<Instruction> all = DockerfileParser.parse(text).instructions();
    assertEquals(1, all.size(), all::toString);
    return all.get(0);
  }

  @Test
  void continuationLinesJoinWithoutTheirCommentsAndBlankLines() {
    Instruction run = only("RUN echo a \\\n  && echo b");
    assertEquals("RUN", run.keyword());
    assertEquals("echo a   && echo b", run.arguments());
    assertEquals("RUN echo a   && echo b", run.original());
    assertEquals("echo a   b", only("RUN echo a \\\n# a comment\n\n  b").arguments());
    assertEquals("FROM", only("from busybox").keyword());
    assertEquals("A=1", only("  ENV A=1   ").arguments());
    assertEquals("dir c:\\   x", only("# escape=`\nRUN dir c:\\ `\n  x").arguments());
  }

  @Test
  void escapeDirectiveSetsTheEscapeAndIsOnlyReadAtTheTop() {
    assertEquals('`', DockerfileParser.parse("# escape=`\nFROM x").escape());
    assertEquals('\\', DockerfileParser.parse("FROM x\n# escape=`\nRUN a").escape());
    assertEquals('\\', DockerfileParser.parse("# a comment\n# escape=`\nFROM x").escape());
    assertEquals("invalid escape token '$' does not match ` or \\", assertThrows(DockerfileException.class,
        () -> DockerfileParser.parse("# escape=$\nFROM x")).getMessage());
  }

  @Test
  void jsonFormOnlyWhenItIsAnArrayOfStrings() {
    assertEquals(List.of("sh", "-c", "echo"), only("CMD [\"sh\", \"-c\", \"echo\"]").json());
    assertNull(only("CMD [not json]").json());
    assertNull(only("CMD [1, 2]").json());
    assertNull(only("ENV A=[\"x\"]").json());
  }

  @Test
  void flagsBeforeTheArguments() {
    Instruction copy = only("COPY --from=build --chown=1:2 a b");
    assertEquals(Map.of("from", "build", "chown", "1:2"), copy.flags());
    assertEquals("a b", copy.arguments());
    Instruction check = only("HEALTHCHECK --interval=5s CMD true");
    assertEquals(Map.of("interval", "5s"), check.flags());
    assertEquals("CMD true", check.arguments());
  }

  @Test
  void lineNumbersCountFromOne() {
    List<Instruction> all = DockerfileParser.parse("\n# c\nFROM a\nRUN x \\\n y\nCMD z\n").instructions();
    assertEquals(List.of(3, 4, 6), all.stream().map(Instruction::line).toList());
  }

  @Test
  void anEmptyContinuationLineIsWarnedOfInDockersWords() {
    Dockerfile d = DockerfileParser.parse("FROM a\nRUN echo a \\\n\n  b \\\n# c\n  c\nRUN x \\\n");
    assertEquals(List.of("[WARNING]: Empty continuation line found in: RUN echo a   b   c",
        "[WARNING]: Empty continuation lines will become errors in a future release."), d.warnings());
    assertEquals(List.of(), DockerfileParser.parse("FROM a\nRUN x \\\n# c\n y\n").warnings());
  }

  @Test
  void aByteOrderMarkIsDropped() {
    assertEquals("FROM", DockerfileParser.parse("\uFEFFFROM a\r\n").instructions().get(0).keyword());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cop|unknown instruction: cop (did you mean copy?)",
      "COP|unknown instruction: COP (did you mean COPY?)",
      "Cop|unknown instruction: Cop (did you mean copy?)",
      "RUNN|unknown instruction: RUNN (did you mean RUN?)",
      "entrypiont|unknown instruction: entrypiont (did you mean entrypoint?)",
      "XYZZY|unknown instruction: XYZZY",
  })
  void unknownInstructionAsWrittenWithTheNearestAsDockersParser(String word, String expected) {
    assertEquals("dockerfile parse error on line 2: " + expected, assertThrows(DockerfileException.class,
        () -> DockerfileParser.parse("FROM a\n" + word + " x y")).getMessage());
  }

  @Test
  void anEmptyDockerfileAndOneWithoutInstructionsAreRefusedByName() {
    assertEquals("the Dockerfile (Dockerfile) cannot be empty", assertThrows(DockerfileException.class,
        () -> DockerfileParser.parse("", "Dockerfile")).getMessage());
    assertEquals("failed to parse sub/Dockerfile.dev: file with no instructions",
        assertThrows(DockerfileException.class, () -> DockerfileParser.parse("# nothing\n\n", "sub/Dockerfile.dev"))
            .getMessage());
  }

  @Test
  void heredocsTakeTheLinesUpToTheirTerminatorAsBuildKitReadsThem() {
    List<Instruction> all = DockerfileParser.parse(
        "FROM x\nRUN <<A cat >a && <<-\"B\" cat > b\nline $V\nA\n\tb\n\tB\nCOPY <<'C' /c\nEOF\nC\nRUN echo '<<no'\n")
        .instructions();
    assertEquals(List.of("FROM", "RUN", "COPY", "RUN"), all.stream().map(Instruction::keyword).toList());
    assertEquals(List.of(new Heredoc("A", false, true, "line $V\n"), new Heredoc("B", true, false, "\tb\n")),
        all.get(1).heredocs());
    assertEquals("b\n", all.get(1).heredocs().get(1).text());
    assertEquals(List.of(new Heredoc("C", false, false, "EOF\n")), all.get(2).heredocs());
    assertEquals(List.of(), all.get(3).heredocs());
    assertEquals("RUN <<EOF\nx\nEOF", only("ONBUILD RUN <<EOF\nx\nEOF\n").withHeredocs());
    // the exec form opens none
    assertEquals(List.of(), only("RUN [\"cat\", \"<<EOF\"]").heredocs());
  }

  @ParameterizedTest
  @CsvSource({"COPY <<../x/pwned /a", "COPY <</tmp/pwned /b", "RUN <<..", "RUN <<'.'", "RUN <<\"a/b\" cat"})
  void aHeredocNameThatWouldNameAPathIsRefused(String instruction) {
    String name = instruction.replaceAll(".*<<['\"]?([^'\" ]*).*", "$1");
    assertEquals("dockerfile parse error on line 2: invalid heredoc name \"" + name + "\": berthctl build refuses a "
        + "name with / or that is . or .., as files are named after it", assertThrows(DockerfileException.class,
            () -> DockerfileParser.parse("FROM x\n" + instruction + "\n#!/bin/sh\n" + name + "\n", "Dockerfile"))
            .getMessage());
  }

  @ParameterizedTest
  @CsvSource({"docker/dockerfile:1", "docker/dockerfile:1.7", "docker.io/docker/dockerfile:1.4.3", "docker/dockerfile"})
  void theSyntaxDirectiveMayNameTheBuiltInFrontend(String image) {
    assertEquals("RUN", only("# syntax=" + image + "\nRUN x").keyword());
  }

  @ParameterizedTest
  @CsvSource({"docker/dockerfile:1-labs", "docker/dockerfile-upstream:master", "docker/dockerfile:2"})
  void otherFrontendsAreRefusedNamingTheDirective(String image) {
    assertEquals("the syntax directive (# syntax=" + image + ") names a Dockerfile frontend that berthctl build "
        + "does not have: it reads Dockerfiles as docker/dockerfile:1 only, which # syntax=docker/dockerfile:1 (or "
        + "no syntax directive) asks for",
        assertThrows(DockerfileException.class, () -> DockerfileParser.parse("# syntax=" + image + "\nRUN x"))
            .getMessage());
  }
}
