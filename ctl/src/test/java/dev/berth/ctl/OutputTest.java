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
  void aTableColumnAndItsGapAreAtLeastTenWideAsDockersTabwriterLaysThemOut() {
    StringWriter s = new StringWriter();
    Output.table(new PrintWriter(s, true), List.of("TYPE", "SIZE", "NAME"), List.of(List.of("a", "12B", "x")));
    assertEquals("TYPE      SIZE      NAME\na         12B       x\n", s.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void alignedRowsMayBeShortAndTheirLastCellWidensNoColumn() {
    // docker top's layout: columns at least 20 wide, a line's last cell unpadded and not counted
    assertEquals(List.of("PID                 USER                COMMAND", "7                   a-long-user-name-here",
        "8                   root                sleep 1"),
        Output.aligned(List.of(List.of("PID", "USER", "COMMAND"), List.of("7", "a-long-user-name-here"),
            List.of("8", "root", "sleep 1")), 20));
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
  void sizesAsDockerPrintsThem() {
    assertEquals("0B", Output.size(0));
    assertEquals("999B", Output.size(999));
    assertEquals("1kB", Output.size(1000));
    assertEquals("1.02kB", Output.size(1024));
    assertEquals("4.26MB", Output.size(4_261_000));
    assertEquals("130MB", Output.size(130_400_000));
    assertEquals("2.15GB", Output.size(2L << 30));
    assertEquals("4.261MB", Output.preciseSize(4_261_000));
    assertEquals("0B", Output.preciseSize(0));
    assertEquals("32MiB", Output.memory(32L << 20));
    assertEquals("1.984MiB", Output.memory(2_080_374));
    assertEquals("23.47GiB", Output.memory(25_200_000_000L));
  }

  @Test
  void labelsAreSortedByKey() {
    assertEquals("a=1,b=,c=3", Output.labels(Map.of("c", "3", "a", "1", "b", "")));
  }
}
