package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ContainerLabels;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What conmon is given as its own size limit, and whether berthd compresses, from a container's log labels. */
class LogLimitsTest {
  private static LogLimits limits(Map<String, String> labels) {
    return LogLimits.of(Container.newBuilder().setId("c").putAllLabels(labels).build());
  }

  @Test
  void conmonKeepsMaxSizeItselfWithOneFileAndNoLimitWithoutMaxSize() {
    assertEquals(1000, limits(Map.of(ContainerLabels.LOG_MAX_SIZE, "1000")).monitorsLimit());
    assertEquals(1000, limits(Map.of(ContainerLabels.LOG_MAX_SIZE, "1000", ContainerLabels.LOG_MAX_FILE, "1"))
        .monitorsLimit());
    assertEquals(0, limits(Map.of(ContainerLabels.LOG_MAX_FILE, "3")).monitorsLimit());
  }

  @Test
  void withBerthdRotatingConmonKeepsABackstopForWhileBerthdIsDown() {
    assertEquals(LogLimits.BACKSTOP_FLOOR,
        limits(Map.of(ContainerLabels.LOG_MAX_SIZE, "1024", ContainerLabels.LOG_MAX_FILE, "3")).monitorsLimit());
    assertEquals(10L << 30,
        limits(Map.of(ContainerLabels.LOG_MAX_SIZE, Long.toString(1L << 30), ContainerLabels.LOG_MAX_FILE, "3"))
            .monitorsLimit());
    assertEquals(Long.MAX_VALUE,
        limits(Map.of(ContainerLabels.LOG_MAX_SIZE, Long.toString(Long.MAX_VALUE / 2), ContainerLabels.LOG_MAX_FILE, "2"))
            .monitorsLimit());
  }

  @Test
  void olderFilesAreCompressedOnlyWhenTheLabelSaysTrue() {
    Map<String, String> rotated = Map.of(ContainerLabels.LOG_MAX_SIZE, "1024", ContainerLabels.LOG_MAX_FILE, "3");
    assertFalse(limits(rotated).compress());
    Map<String, String> compressed = new HashMap<>(rotated);
    compressed.put(ContainerLabels.LOG_COMPRESS, "true");
    assertTrue(limits(compressed).compress());
  }
}
