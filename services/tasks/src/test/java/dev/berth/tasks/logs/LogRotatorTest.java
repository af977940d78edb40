package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation on a real directory (inotify), with a monitor that opens its new log as conmon does. */
class LogRotatorTest {
  @TempDir
  Path dir;

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  @Test
  void aLogPastItsSizeIsRotatedAndItsMonitorOpensANewOneUntilItsTaskEnds() throws Exception {
    Path log = dir.resolve("c.log");
    Files.writeString(log, "x".repeat(150), StandardOpenOption.CREATE);
    AtomicInteger reopened = new AtomicInteger();
    Runnable reopen = () -> {
      try {
        Files.writeString(log, "");
        reopened.incrementAndGet();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    CompletableFuture<Void> ended = new CompletableFuture<>();
    try (LogRotator rotator = new LogRotator()) {
      rotator.rotate(log, 100, 3, reopen, ended);
      await(() -> reopened.get() == 1, "a log found past its size at once, as after a restart of berthd");
      assertEquals(150, Files.size(dir.resolve("c.log.1")));
      Files.writeString(log, "y".repeat(60), StandardOpenOption.APPEND);
      Thread.sleep(100);
      assertEquals(1, reopened.get(), "below its size");
      Files.writeString(log, "y".repeat(60), StandardOpenOption.APPEND);
      await(() -> reopened.get() == 2, "rotated as the monitor writes");
      assertEquals(120, Files.size(dir.resolve("c.log.1")));
      assertEquals(150, Files.size(dir.resolve("c.log.2")));
      ended.complete(null);
      Thread.sleep(100);
      Files.writeString(log, "z".repeat(200), StandardOpenOption.APPEND);
      Thread.sleep(200);
      assertEquals(2, reopened.get(), "no monitor to open a new log once the task has ended");
      assertFalse(Files.exists(dir.resolve("c.log.3")));
    }
  }

  @Test
  void aWriteIntoTheOlderFileWithNoNewLogAsksAgainForOne() throws Exception {
    Path log = dir.resolve("c.log");
    try (FakeMonitor monitor = new FakeMonitor(log, true); LogRotator rotator = new LogRotator()) {
      monitor.refuse(1);
      rotator.rotate(log, 100, 3, monitor::order, new CompletableFuture<>());
      monitor.write(150);
      await(() -> Files.exists(dir.resolve("c.log.1")), "rotated, its order failed");
      monitor.write(10);
      await(() -> monitor.reopened() == 1, "asked again as the monitor writes into c.log.1");
      assertTrue(Files.exists(log));
    }
  }
}
