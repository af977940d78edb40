package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ContainerLabels;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** docker's --log-opt max-size and max-file as the labels berthd's tasks service reads. */
class LogConfigTest {
  private static Map<String, String> labels(String... opts) {
    Map<String, String> labels = new TreeMap<>();
    LogConfig.of(null, List.of(opts)).label(labels);
    return labels;
  }

  @Test
  void maxFileAboveOneWithMaxSizeAsksForRotation() {
    assertEquals(Map.of(ContainerLabels.LOG_MAX_SIZE, "1024", ContainerLabels.LOG_MAX_FILE, "3"),
        labels("max-size=1k", "max-file=3"));
  }

  @Test
  void oneFileOrNoSizeIsNoRotation() {
    assertEquals(Map.of(ContainerLabels.LOG_MAX_SIZE, "1024"), labels("max-size=1k", "max-file=1"));
    // docker's json-file takes max-file without max-size, and keeps its one file
    assertEquals(Map.of(), labels("max-file=3"));
  }

  @Test
  void maxFileIsAPositiveNumber() {
    for (String bad : List.of("max-file=0", "max-file=-2", "max-file=three")) {
      assertThrows(InvalidValueException.class, () -> LogConfig.of("json-file", List.of("max-size=1m", bad)), bad);
    }
  }
}
