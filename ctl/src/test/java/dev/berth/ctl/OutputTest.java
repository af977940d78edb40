package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.ctl.output.Output;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTest {
  @Test
  void tableAlignsColumnsThreeSpacesApartWithoutTrailingBlanks() {
    StringWriter s = new StringWriter();
    Output.table(new PrintWriter(s, true), List.of("NAME", "LABELS"),
        List.of(List.of("default", ""), List.of("a", "k=v")));
    assertEquals("NAME      LABELS\ndefault\na         k=v\n", s.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void jsonIsLaidOutAsDockerPrintsIt() {
    StringWriter s = new StringWriter();
    Map<String, Object> object = new java.util.LinkedHashMap<>();
    object.put("Id", "abc");
    object.put("Args", List.of("-f", "1"));
    object.put("Mounts", List.of());
    object.put("Labels", Map.of());
    Output.json(new PrintWriter(s, true), List.of(object));
    assertEquals("""
        [
            {
                "Id": "abc",
                "Args": [
                    "-f",
                    "1"
                ],
                "Mounts": [],
                "Labels": {}
            }
        ]
        """, s.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void sizesUseBinaryUnits() {
    assertEquals("0 B", Output.size(0));
    assertEquals("1023 B", Output.size(1023));
    assertEquals("1.0 KiB", Output.size(1024));
    assertEquals("4.5 MiB", Output.size(9L << 19));
    assertEquals("2.0 GiB", Output.size(2L << 30));
  }

  @Test
  void labelsAreSortedByKey() {
    assertEquals("a=1,b=,c=3", Output.labels(Map.of("c", "3", "a", "1", "b", "")));
  }
}
