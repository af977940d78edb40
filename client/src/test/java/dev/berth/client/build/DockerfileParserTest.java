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
}
