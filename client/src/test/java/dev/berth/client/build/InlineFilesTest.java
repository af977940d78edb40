package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InlineFilesTest {
  @Test
  void aHeredocsNameNamesTheCopiedFileButNoPathOfThisHost() throws Exception {
    String name = "../berth-inline-" + UUID.randomUUID();
    try (InlineFiles inline = InlineFiles.of(List.of(new Heredoc(name, false, false, "x\n")), v -> null)) {
      Path outside = inline.source().root().resolve(name).normalize();
      try {
        assertFalse(Files.exists(outside), "written outside its directory: " + outside);
        CopySource.Found found = inline.found().get(0);
        assertEquals(name, found.name());
        assertEquals("x\n", Files.readString(inline.source().root().resolve(found.path())));
      } finally {
        Files.deleteIfExists(outside);
      }
    }
  }
}
