package dev.berth.ctl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TaskStartsTest {
  private static final Instant START = Instant.parse("2026-12-02T15:04:05.9Z");

  private static DockerEvent die(Instant at) {
    return new DockerEvent("container", "die", "c1", new TreeMap<>(Map.of("exitCode", "0")), at);
  }

  @Test
  void dieCarriesTheWholeSecondsSinceTheStartSeenAsDockersDaemonGivesThem() {
    TaskStarts starts = new TaskStarts();
    starts.started("c1", START);
    assertEquals("2", starts.withExecDuration(die(START.plusMillis(2900))).attributes().get("execDuration"));
    assertEquals("0", starts.withExecDuration(die(START.plusMillis(900))).attributes().get("execDuration"));
  }

  @Test
  void theStartSeenInTheStreamWinsOverTheRecordsAndTheRecordsServesOtherwise() {
    TaskStarts starts = new TaskStarts();
    starts.recorded("c1", START);
    assertEquals("5", starts.withExecDuration(die(START.plusSeconds(5))).attributes().get("execDuration"));
    starts.started("c1", START.plusSeconds(10));
    starts.recorded("c1", START);
    assertEquals("1", starts.withExecDuration(die(START.plusSeconds(11))).attributes().get("execDuration"));
  }

  @Test
  void aDieBeforeTheOnlyStartKnownOrOfAnUnknownStartHasNone() {
    TaskStarts starts = new TaskStarts();
    assertFalse(starts.withExecDuration(die(START)).attributes().containsKey("execDuration"));
    starts.recorded("c1", START);
    assertFalse(starts.withExecDuration(die(START.minusSeconds(1))).attributes().containsKey("execDuration"));
  }
}
