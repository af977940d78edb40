package dev.berth.ctl.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.client.system.DiskUsage;
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
}
