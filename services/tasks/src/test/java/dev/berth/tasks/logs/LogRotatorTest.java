package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the rotator checks a log: at once and at each write (inotify on a real directory). What a
 * check does is {@link RotatingLogTest}'s.
 */
class LogRotatorTest {
  @TempDir
  Path dir;

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(10);
    }
  }

  @Test
  void aLogPastItsSizeIsRotatedAtOnceAndAsItsMonitorWrites() throws Exception {
    Path log = dir.resolve("c.log");
    try (FakeMonitor monitor = new FakeMonitor(log, true); LogRotator rotator = new LogRotator()) {
      monitor.write(150);
      rotator.rotate(log, 100, 3, false, monitor::order, new CompletableFuture<>());
      await(() -> monitor.reopened() == 1, "a log found past its size at once, as after a restart of berthd");
      assertEquals(150, Files.size(dir.resolve("c.log.1")));
      monitor.write(120);
      await(() -> monitor.reopened() == 2, "rotated as the monitor writes");
      assertEquals(120, Files.size(dir.resolve("c.log.1")));
      assertEquals(150, Files.size(dir.resolve("c.log.2")));
    }
  }

  @Test
  void aWriteIntoTheOlderFileWithNoNewLogAsksAgainForOne() throws Exception {
    Path log = dir.resolve("c.log");
    try (FakeMonitor monitor = new FakeMonitor(log, true); LogRotator rotator = new LogRotator()) {
      monitor.refuse(1);
      rotator.rotate(log, 100, 3, false, monitor::order, new CompletableFuture<>());
      monitor.write(150);
      await(() -> Files.exists(dir.resolve("c.log.1")), "rotated, its order failed");
      monitor.write(10);
      await(() -> monitor.reopened() == 1, "asked again as the monitor writes into c.log.1");
      assertTrue(Files.exists(log));
    }
  }
}
