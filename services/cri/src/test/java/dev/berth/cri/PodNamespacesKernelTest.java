package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods' pinned state under berthd's state directory, with real PID namespace holders (root, util-linux, perl). */
class PodNamespacesKernelTest {
  @TempDir Path pods;

  @Test
  void aPodsDirectoryUnderTheStateDirectoryTellsItWasMadeOnThisBoot() throws Exception {
    PodNamespaces namespaces = new PodNamespaces(pods);
    assertFalse(namespaces.keptOnThisBoot("p1"));
    namespaces.pidOnDemand("p1");
    try {
      assertTrue(namespaces.keptOnThisBoot("p1"));
    } finally {
      namespaces.unpin("p1");
    }
    assertFalse(namespaces.keptOnThisBoot("p1"), "unpinned");
  }
}
