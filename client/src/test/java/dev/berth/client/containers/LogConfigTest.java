package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** docker's --log-opt max-size, max-file and compress as the labels berthd's tasks service reads. */
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

  @Test
  void compressAsksForGzippedOlderFilesWhereTheLogIsRotated() {
    assertEquals(Map.of(ContainerLabels.LOG_MAX_SIZE, "1024", ContainerLabels.LOG_MAX_FILE, "3",
        ContainerLabels.LOG_COMPRESS, "true"), labels("max-size=1k", "max-file=3", "compress=true"));
    // Go's booleans, as Docker's daemon parses them
    assertEquals("true", labels("max-size=1k", "max-file=3", "compress=T").get(ContainerLabels.LOG_COMPRESS));
    assertEquals(Map.of(ContainerLabels.LOG_MAX_SIZE, "1024", ContainerLabels.LOG_MAX_FILE, "3"),
        labels("max-size=1k", "max-file=3", "compress=0"));
  }

  @Test
  void localCompressesUnlessToldNot() {
    Map<String, String> labels = new TreeMap<>();
    LogConfig.of("local", List.of("max-size=1k", "max-file=3")).label(labels);
    assertEquals("true", labels.get(ContainerLabels.LOG_COMPRESS));
    labels.clear();
    LogConfig.of("local", List.of("max-size=1k", "max-file=3", "compress=false")).label(labels);
    assertEquals(null, labels.get(ContainerLabels.LOG_COMPRESS));
  }

  @Test
  void compressIsRefusedInDockersDaemonsWords() {
    assertEquals("failed to initialize logging driver: strconv.ParseBool: parsing \"notabool\": invalid syntax",
        refusal("json-file", "max-size=1k", "max-file=3", "compress=notabool"));
    assertEquals("failed to initialize logging driver: error reading compress log option: strconv.ParseBool: parsing"
        + " \"yes\": invalid syntax", refusal("local", "compress=yes"));
    String nothingRotated = "failed to initialize logging driver: compress cannot be true when max-file is less than 2"
        + " or max-size is not set";
    assertEquals(nothingRotated, refusal("json-file", "max-size=1k", "compress=true"));
    assertEquals(nothingRotated, refusal("json-file", "max-file=3", "compress=true"));
    assertEquals("failed to initialize logging driver: compression cannot be enabled when max file count is 1",
        refusal("local", "max-file=1"));
  }

  @Test
  void localKeepsDockersDefaultsWithoutOptions() {
    Map<String, String> labels = new TreeMap<>();
    LogConfig.of("local", List.of()).label(labels);
    assertEquals(Map.of(ContainerLabels.LOG_MAX_SIZE, Long.toString(20L << 20), ContainerLabels.LOG_MAX_FILE, "5",
        ContainerLabels.LOG_COMPRESS, "true"), labels);
    labels.clear();
    LogConfig.of("local", List.of("max-size=1k")).label(labels);
    assertEquals(Map.of(ContainerLabels.LOG_MAX_SIZE, "1024", ContainerLabels.LOG_MAX_FILE, "5",
        ContainerLabels.LOG_COMPRESS, "true"), labels);
    labels.clear();
    LogConfig.of("local", List.of("max-file=2", "compress=false")).label(labels);
    assertEquals(Map.of(ContainerLabels.LOG_MAX_SIZE, Long.toString(20L << 20), ContainerLabels.LOG_MAX_FILE, "2"),
        labels);
    // as Docker's inspect: the options given, not the driver's defaults
    ObjectNode hostConfig = new ObjectMapper().createObjectNode();
    LogConfig.of("local", List.of()).describe(hostConfig);
    assertEquals("{\"Type\":\"local\",\"Config\":{}}", hostConfig.get("LogConfig").toString());
  }

  @Test
  void inspectShowsCompressAsGiven() {
    ObjectNode hostConfig = new ObjectMapper().createObjectNode();
    LogConfig.of(null, List.of("max-size=1k", "max-file=3", "compress=TRUE")).describe(hostConfig);
    assertEquals("TRUE", hostConfig.at("/LogConfig/Config/compress").asText());
  }

  @Test
  void aDriverDockerHasNotIsRefusedInItsDaemonsWordsAndOneItHasSaysWhatBerthHas() {
    assertEquals("logger: no log driver named 'nosuch' is registered", refusal("nosuch"));
    ClientException syslog = assertThrows(ClientException.class, () -> LogConfig.of("syslog", List.of()));
    assertTrue(syslog.getMessage().contains("json-file, local, k8s-file"), syslog.getMessage());
  }

  private static String refusal(String driver, String... opts) {
    return assertThrows(InvalidParameterException.class, () -> LogConfig.of(driver, List.of(opts))).getMessage();
  }
}
