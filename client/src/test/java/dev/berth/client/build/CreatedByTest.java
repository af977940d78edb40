package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** History's created_by as Docker's legacy builder writes it. */
class CreatedByTest {
  private static final List<String> SH = List.of("/bin/sh", "-c");

  @Test
  void metadataStepsHaveTwoSpacesAfterNop() {
    assertEquals("/bin/sh -c #(nop)  CMD [\"sh\"]", CreatedBy.nop(SH, "CMD " + CreatedBy.quoted(List.of("sh"))));
    assertEquals("/bin/sh -c #(nop)  VOLUME [/a /b]", CreatedBy.nop(SH, "VOLUME " + CreatedBy.plain(List.of("/a", "/b"))));
  }

  @Test
  void runNamesItsBuildArgs() {
    assertEquals("/bin/sh -c make", CreatedBy.run(List.of(), List.of("/bin/sh", "-c", "make")));
    assertEquals("|2 A=1 B=2 /bin/sh -c make", CreatedBy.run(List.of("A=1", "B=2"), List.of("/bin/sh", "-c", "make")));
  }

  @Test
  void goQuoting() {
    assertEquals("[\"a \\\"b\\\"\" \"c\\\\d\"]", CreatedBy.quoted(List.of("a \"b\"", "c\\d")));
    assertEquals("'\\x00'", CreatedBy.rune(0));
    assertEquals("'\\x03'", CreatedBy.rune(3));
  }

  @Test
  void healthcheckAsGoPrintsTheStruct() {
    HealthcheckInstruction check = HealthcheckInstruction.parse(DockerfileParser.parse(
        "HEALTHCHECK --interval=5m --timeout=3s --retries=3 CMD curl -f http://localhost/ || exit 1").instructions()
        .get(0));
    assertEquals("&{[\"CMD-SHELL\" \"curl -f http://localhost/ || exit 1\"] \"5m0s\" \"3s\" \"0s\" \"0s\" '\\x03'}",
        check.historyText());
    assertEquals(Duration.ofMinutes(5).toNanos(), check.json().get("Interval").asLong());
    assertEquals("{\"Test\":[\"NONE\"]}", HealthcheckInstruction.parse(DockerfileParser.parse("HEALTHCHECK NONE")
        .instructions().get(0)).json().toString());
  }
}
