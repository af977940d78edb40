package dev.berth.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JsonColumnsTest {
  /** What the columns were written with before: their rows must still read the same. */
  private static final ObjectMapper DATA_BINDING = new ObjectMapper();

  record Resolver(List<String> nameservers, List<String> search, List<String> options) {}

  record Host(String name, String ip) {}

  @Test
  void eachShapeReadsBackWhatWasWritten() throws Exception {
    Map<String, String> map = new TreeMap<>(Map.of("b", "2", "a", "quote \" and \\ and \u00e9", "empty", ""));
    assertEquals(map, JsonColumns.readMap(JsonColumns.writeMap(map)));
    List<String> list = List.of("x", "", "line\nbreak");
    assertEquals(list, JsonColumns.readList(JsonColumns.writeList(list)));
    Map<String, List<String>> listMap = new TreeMap<>(Map.of("nameservers", List.of("10.0.0.1"), "search", List.of()));
    assertEquals(listMap, JsonColumns.readListMap(JsonColumns.writeListMap(listMap)));
    List<Map<String, String>> mapList = List.of(Map.of("name", "db", "ip", "10.0.0.2"), Map.of());
    assertEquals(mapList, JsonColumns.readMapList(JsonColumns.writeMapList(mapList)));
  }

  @Test
  void columnsWrittenByDataBindingReadTheSame() throws Exception {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("io.berth/x", "1");
    labels.put("nothing", null);
    assertEquals(new TreeMap<>(labels), JsonColumns.readMap(DATA_BINDING.writeValueAsString(labels)));
    assertEquals(List.of("a", "b"), JsonColumns.readList(DATA_BINDING.writeValueAsString(List.of("a", "b"))));
    String resolver = DATA_BINDING.writeValueAsString(new Resolver(List.of("1.1.1.1"), List.of("lan"), null));
    assertEquals(Map.of("nameservers", List.of("1.1.1.1"), "search", List.of("lan"), "options", List.of()),
        JsonColumns.readListMap(resolver));
    String hosts = DATA_BINDING.writeValueAsString(List.of(new Host("db", "10.0.0.2")));
    assertEquals(List.of(Map.of("name", "db", "ip", "10.0.0.2")), JsonColumns.readMapList(hosts));
  }

  @Test
  void nullListsAreWrittenAsJsonNullAndReadAsEmpty() throws Exception {
    assertEquals("null", JsonColumns.writeList(null));
    assertEquals(List.of(), JsonColumns.readList("null"));
    assertEquals("null", JsonColumns.writeMapList(null));
    assertEquals(List.of(), JsonColumns.readMapList("null"));
    assertNull(JsonColumns.readMap("{\"k\":null}").get("k"));
  }

  @Test
  void aColumnOfAnotherShapeIsRefused() {
    for (String bad : List.of("", "[\"a\"]", "{\"a\":{}}", "{\"a\":\"1\"} x", "{\"a\":", "{\"a\" \"1\"}")) {
      assertThrows(JsonColumns.MalformedColumnException.class, () -> JsonColumns.readMap(bad), bad);
    }
    for (String bad : List.of("{}", "[[\"a\"]]", "[\"a\"", "\"a\"")) {
      assertThrows(JsonColumns.MalformedColumnException.class, () -> JsonColumns.readList(bad), bad);
    }
    assertThrows(JsonColumns.MalformedColumnException.class, () -> JsonColumns.readListMap("{\"a\":\"b\"}"));
    assertThrows(JsonColumns.MalformedColumnException.class, () -> JsonColumns.readMapList("[\"a\"]"));
  }

  @Test
  void aCorruptLabelColumnIsAnInternalError() {
    BerthException e = assertThrows(BerthException.class, () -> Labels.fromJson("{\"a\""));
    assertEquals(Status.Code.INTERNAL, e.code());
    assertEquals(Map.of("a", "1"), Labels.fromJson(Labels.toJson(Map.of("a", "1"))));
    assertEquals(Map.of(), Labels.fromJson(""));
  }
}
