package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log's checks driven one by one, as the rotator's thread runs them, with a monitor as conmon. */
class RotatingLogTest {
  @TempDir
  Path dir;

  private Path log() {
    return dir.resolve("c.log");
  }

  private Path older(int n) {
    return RotatedLogs.rotated(log(), n);
  }

  /** The compression the rotator's thread runs, here at once on the check's: in order with the checks. */
  private static CompletableFuture<Void> compressNow(Path log) {
    try {
      RotatedLogs.compressOlder(log);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The tests run each check themselves. */
  private static final BiConsumer<CompletableFuture<?>, Runnable> NO_RECHECK = (done, check) -> { };

  @Test
  void aLogWhoseCompressionIsUnderWayWaitsForItWithoutHoldingUpTheCheck() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), true)) {
      Files.writeString(older(1), "x".repeat(120));
      CompletableFuture<Void> compression = new CompletableFuture<>();
      List<Runnable> rechecks = new ArrayList<>();
      RotatingLog rotating = new RotatingLog(log(), 100, 3, true, monitor::order, new CompletableFuture<>(),
          older -> compression, (done, check) -> done.thenRun(() -> rechecks.add(check)));
      monitor.write(150);
      // the first check starts compressing what a berthd before left plain, and returns
      rotating.check();
      assertEquals(0, monitor.reopened(), "its files stay where they are while they are compressed");
      assertTrue(rechecks.isEmpty());

      compression.complete(null);
      assertEquals(1, rechecks.size(), "a check once it is done");
      rechecks.get(0).run();
      assertEquals(1, monitor.reopened(), "the rotation it held up");
    }
  }

  @Test
  void aLogBelowItsSizeIsLeftAndOneAtItsSizeRotated() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), true)) {
      RotatingLog rotating = new RotatingLog(log(), 100, 3, false, monitor::order, new CompletableFuture<>(), RotatingLogTest::compressNow, NO_RECHECK);
      monitor.write(99);
      rotating.check();
      assertEquals(0, monitor.reopened());
      assertFalse(Files.exists(older(1)));
      monitor.write(1);
      rotating.check();
      assertEquals(1, monitor.reopened());
      assertEquals(100, Files.size(older(1)));
      assertEquals(0, Files.size(log()));
    }
  }

  @Test
  void nothingIsRotatedOrAskedForOnceItsTaskHasEnded() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), true)) {
      RotatingLog rotating = new RotatingLog(log(), 100, 3, false, monitor::order, CompletableFuture.completedFuture(null), RotatingLogTest::compressNow, NO_RECHECK);
      monitor.write(200);
      rotating.check();
      assertFalse(Files.exists(older(1)), "no monitor to open a new log");
      RotatedLogs.shift(log(), 3);
      rotating.check();
      assertEquals(0, monitor.reopened());
    }
  }

  @Test
  void aLogLeftMidRotationByABerthdThatDiedGetsANewOneAtTheFirstCheckAndRotatesOn() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), true)) {
      monitor.write(150);
      // the berthd that died renamed the log and never gave its order
      RotatedLogs.shift(log(), 3);
      monitor.write(300);
      RotatingLog rotating = new RotatingLog(log(), 100, 3, false, monitor::order, new CompletableFuture<>(), RotatingLogTest::compressNow, NO_RECHECK);

      rotating.check();
      assertEquals(1, monitor.reopened(), "asked for a new log at the first check");
      assertTrue(Files.exists(log()));
      monitor.write(120);
      assertEquals(450, Files.size(older(1)), "written no more");
      rotating.check();
      assertEquals(2, monitor.reopened(), "rotated on");
      assertEquals(120, Files.size(older(1)));
      assertEquals(450, Files.size(older(2)));
    }
  }

  @Test
  void anOrderThatFailedIsGivenAgainAtTheNextCheck() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), true)) {
      monitor.write(150);
      monitor.refuse(1);
      RotatingLog rotating = new RotatingLog(log(), 100, 3, false, monitor::order, new CompletableFuture<>(), RotatingLogTest::compressNow, NO_RECHECK);

      rotating.check();
      assertFalse(Files.exists(log()), "rotated, no new log");
      monitor.write(50);
      rotating.check();
      assertEquals(1, monitor.reopened());
      assertTrue(Files.exists(log()));
      assertEquals(200, Files.size(older(1)));
    }
  }

  @Test
  void anOrderNotCarriedOutYetIsNotGivenAgain() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), false)) {
      monitor.write(150);
      RotatingLog rotating = new RotatingLog(log(), 100, 3, false, monitor::order, new CompletableFuture<>(), RotatingLogTest::compressNow, NO_RECHECK);

      rotating.check();
      // woken by its writes into <log>.1 meanwhile
      monitor.write(10);
      rotating.check();
      monitor.carryOutOrders();
      assertEquals(1, monitor.reopened(), "a second order would have put a second new log over the first");
      monitor.write(150);
      rotating.check();
      monitor.carryOutOrders();
      assertEquals(2, monitor.reopened(), "asked again for the next rotation");
      assertEquals(150, Files.size(older(1)));
      assertEquals(160, Files.size(older(2)));
    }
  }

  @Test
  void withCompressTheOlderFileIsGzippedOnceTheMonitorWritesIntoItsNewLog() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), false)) {
      RotatingLog rotating = new RotatingLog(log(), 100, 3, true, monitor::order, new CompletableFuture<>(), RotatingLogTest::compressNow, NO_RECHECK);
      monitor.write(150);
      rotating.check();
      monitor.write(10);
      rotating.check();
      assertTrue(Files.exists(older(1)), "plain while the monitor still writes into it");
      assertFalse(Files.exists(RotatedLogs.compressed(log(), 1)));
      monitor.carryOutOrders();
      rotating.check();
      assertFalse(Files.exists(older(1)));
      assertEquals(160, gunzippedSize(RotatedLogs.compressed(log(), 1)));

      monitor.write(100);
      rotating.check();
      monitor.carryOutOrders();
      rotating.check();
      assertEquals(100, gunzippedSize(RotatedLogs.compressed(log(), 1)));
      assertEquals(160, gunzippedSize(RotatedLogs.compressed(log(), 2)));
    }
  }

  @Test
  void anOlderFileLeftPlainWhenItsTaskEndedIsGzippedAtTheCheckThen() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), false)) {
      CompletableFuture<Void> until = new CompletableFuture<>();
      RotatingLog rotating = new RotatingLog(log(), 100, 3, true, monitor::order, until, RotatingLogTest::compressNow, NO_RECHECK);
      monitor.write(150);
      rotating.check();
      // the monitor ended writing into <log>.1, before its order
      until.complete(null);
      rotating.check();
      assertEquals(150, gunzippedSize(RotatedLogs.compressed(log(), 1)));
    }
  }

  /** berthd died after rotating, and again mid-compression: the next one's first check finishes both. */
  @Test
  void aCompressionABerthdThatDiedLeftIsFinishedAtTheFirstCheck() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), true)) {
      Files.writeString(older(2), "x".repeat(200));
      Files.copy(older(2), dir.resolve("copy"));
      CompressedLog.compress(older(2));
      Files.move(dir.resolve("copy"), older(2));
      Files.writeString(older(1), "x".repeat(120));
      Files.write(dir.resolve("c.log.1.gz.tmp"), new byte[] {0x1f});
      RotatingLog rotating = new RotatingLog(log(), 100, 3, true, monitor::order, new CompletableFuture<>(), RotatingLogTest::compressNow, NO_RECHECK);
      rotating.check();
      try (var files = Files.list(dir)) {
        assertEquals(List.of("c.log", "c.log.1.gz", "c.log.2.gz"),
            files.map(f -> f.getFileName().toString()).sorted().toList());
      }
      assertEquals(120, gunzippedSize(RotatedLogs.compressed(log(), 1)));
      assertEquals(200, gunzippedSize(RotatedLogs.compressed(log(), 2)));
    }
  }

  private static long gunzippedSize(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return in.readAllBytes().length;
    }
  }
}
