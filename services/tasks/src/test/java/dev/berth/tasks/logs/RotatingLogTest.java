package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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

  @Test
  void aLogBelowItsSizeIsLeftAndOneAtItsSizeRotated() throws Exception {
    try (FakeMonitor monitor = new FakeMonitor(log(), true)) {
      RotatingLog rotating = new RotatingLog(log(), 100, 3, monitor::order, new CompletableFuture<>());
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
      RotatingLog rotating = new RotatingLog(log(), 100, 3, monitor::order, CompletableFuture.completedFuture(null));
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
      RotatingLog rotating = new RotatingLog(log(), 100, 3, monitor::order, new CompletableFuture<>());

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
      RotatingLog rotating = new RotatingLog(log(), 100, 3, monitor::order, new CompletableFuture<>());

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
      RotatingLog rotating = new RotatingLog(log(), 100, 3, monitor::order, new CompletableFuture<>());

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
}
