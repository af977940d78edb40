package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TaskSampleTest {
  @Test
  void cpuUseIsMeasuredOverTheReadingsIntervalNotTheClients() {
    TaskSample first = new TaskSample(1_000_000_000L, 0, 0, 0, 1, 0, 0);
    TaskSample second = new TaskSample(3_000_000_000L, 1_000_000_000L, 0, 0, 1, 0, 0);
    // one CPU-second over two seconds of readings, whatever the client's clock said
    assertEquals(50.0, second.cpuPercentSince(first, 1_700_000_000L), 1e-9);
  }

  @Test
  void withoutReadingTimesTheClientsIntervalServes() {
    TaskSample first = new TaskSample(0, 0, 0, 0, 1, 0, 0);
    TaskSample second = new TaskSample(0, 500_000_000L, 0, 0, 1, 0, 0);
    assertEquals(25.0, second.cpuPercentSince(first, 2_000_000_000L), 1e-9);
    assertEquals(0.0, second.cpuPercentSince(first, 0), 1e-9);
  }
}
