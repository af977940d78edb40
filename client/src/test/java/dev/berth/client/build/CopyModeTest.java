package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CopyModeTest {
  @ParameterizedTest
  @CsvSource({
      "755, 644, false, 755", "0600, 755, true, 600",
      "+x, 644, false, 755", "'u=rwX,go=rX', 600, false, 644", "'u=rwX,go=rX', 700, true, 755",
      "'u=rwX,go=rX', 700, false, 755", "g=u, 640, false, 660", "go-w, 666, false, 644", "a=r, 755, false, 444",
      "u+s, 755, false, 4755",
  })
  void octalIsTheModeAndSymbolicChangesEachOnesOwn(String flag, String mode, boolean directory, String expected) {
    assertEquals(Integer.parseInt(expected, 8),
        CopyMode.parse(flag).apply(Integer.parseInt(mode, 8), directory));
  }

  @ParameterizedTest
  @CsvSource({"rwx", "8", "u=rwZ", "''"})
  void anythingElseIsRefused(String flag) {
    assertEquals("invalid chmod parameter: " + flag + ": an octal mode (755) or chmod's symbolic clauses "
        + "(u=rwX,go=rX) are taken", assertThrows(BuildStepException.class, () -> CopyMode.parse(flag)).getMessage());
  }
}
