package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PsTableTest {
  private static final String PS_EF = """
      UID          PID    PPID  C STIME TTY          TIME CMD
      root           1       0  0 14:00 ?        00:00:01 /sbin/init
      root       14111   14101  0 14:17 ?        00:00:00 sleep 1000
      """;

  @Test
  void columnsAreAtLeastTwentyWideAsDockersTopPrintsThem() {
    assertEquals(List.of(
        "UID                 PID                 PPID                C                   STIME               "
            + "TTY                 TIME                CMD",
        "root                14111               14101               0                   14:17               "
            + "?                   00:00:00            sleep 1000"),
        PsTable.of(PS_EF, Set.of("14111")));
  }

  @Test
  void aWideCellWidensItsColumnByThreeSpaces() {
    String ps = """
          PID COMMAND         USER
          7 sh              averyveryverylongusername
          8 sleep           root
        """;
    assertEquals(List.of(
        "PID                 COMMAND             USER",
        "7                   sh                  averyveryverylongusername"),
        PsTable.of(ps, Set.of("7")));
    assertEquals(List.of("PID" + " ".repeat(21) + "ARGS", "123456789012345678901   sleep 1000"),
        PsTable.of("PID ARGS\n123456789012345678901 sleep 1000\n", Set.of("123456789012345678901")));
  }

  @Test
  void threadLinesFollowTheirProcess() {
    String ps = """
          PID TTY      STAT   TIME COMMAND
          7 ?        -      0:00 sh
          - -        Ss     0:00 -
          9 ?        -      0:00 other
          - -        Ss     0:00 -
        """;
    assertEquals(3, PsTable.of(ps, Set.of("7")).size());
  }

  @Test
  void aHeaderWithoutPidIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> PsTable.of("RSS\n100\n", Set.of("1")));
  }
}
