package dev.berth.ctl.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.client.system.DiskUsage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemCommandTest {
  @Test
  void theReclaimableShareIsCutToWholePercentAsDockersCliCutsIt() {
    assertEquals("995B (99%)", SystemCommand.reclaimable(new DiskUsage.Summary("Containers", 2, 1, 1000, 995)));
    assertEquals("0B (0%)", SystemCommand.reclaimable(new DiskUsage.Summary("Images", 1, 1, 2000, 0)));
    assertEquals("0B", SystemCommand.reclaimable(new DiskUsage.Summary("Local Volumes", 1, 0, 0, 0)));
    assertEquals("1.5kB", SystemCommand.reclaimable(new DiskUsage.Summary("Build Cache", 1, 0, 1500, 1500)),
        "the build cache's has no share, as Docker's");
  }

  @Test
  void theBuildCacheTableHasDockersColumnsEmptyOrNot() {
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    assertEquals("Build cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n",
        buildCache(List.of(), now));
    List<DiskUsage.IngestUsage> ingests = List.of(
        new DiskUsage.IngestUsage("layer-sha256:0123456789abcdef0123", 1500, now.minus(Duration.ofHours(3)),
            now.minus(Duration.ofMinutes(5))),
        new DiskUsage.IngestUsage("upload-1", 20, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))));
    assertEquals("Build cache usage: 1.52kB\n\n"
        + "CACHE ID       CACHE TYPE   SIZE      CREATED       LAST USED           USAGE     SHARED\n"
        + "upload-1                    20B       2 hours ago   About an hour ago   0         false\n"
        + "0123456789ab                1.5kB     3 hours ago   5 minutes ago       0         false\n",
        buildCache(ingests, now), "the least recently used first, ids cut as Docker cuts them");
  }

  private static String buildCache(List<DiskUsage.IngestUsage> ingests, Instant now) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      SystemCommand.buildCache(out, ingests, now);
    }
    return text.toString();
  }
}
