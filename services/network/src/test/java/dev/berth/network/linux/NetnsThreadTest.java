package dev.berth.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class NetnsThreadTest {
  private static final Duration NO_HANG = Duration.ofSeconds(10);

  @Test
  void runsWorkOnItsOwnThread() throws Exception {
    try (NetnsThread t = NetnsThread.start("netns-thread-test-run", null)) {
      assertEquals("netns-thread-test-run", t.call(() -> Thread.currentThread().getName()));
    }
  }

  @Test
  void refusesWorkAfterCloseInsteadOfHanging() throws Exception {
    NetnsThread t = NetnsThread.start("netns-thread-test-closed", null);
    t.close();
    IllegalStateException e = assertTimeoutPreemptively(NO_HANG,
        () -> assertThrows(IllegalStateException.class, () -> t.call(() -> "never run")));
    assertTrue(e.getMessage().contains("netns-thread-test-closed"), e.getMessage());
  }

  @Test
  void closingTwiceIsHarmless() throws Exception {
    NetnsThread t = NetnsThread.start("netns-thread-test-twice", null);
    t.close();
    assertTimeoutPreemptively(NO_HANG, t::close);
  }

  @Test
  void workThatThrowsStopsTheThreadAndItsQueueIsRefusedNotLeftWaiting() throws Exception {
    NetnsThread t = NetnsThread.start("netns-thread-test-stuck", null);
    try {
      CountDownLatch hold = new CountDownLatch(1);
      t.submit(work(() -> {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      t.submit(work(() -> {
        throw new IllegalStateException("stuck in another namespace");
      }));
      CompletableFuture<String> queued = CompletableFuture.supplyAsync(() -> {
        try {
          return t.call(() -> "ran after the failure");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Thread.sleep(100); // lets the call queue behind the failing work
      hold.countDown();
      ExecutionException waited = assertTimeoutPreemptively(NO_HANG,
          () -> assertThrows(ExecutionException.class, queued::get));
      assertTrue(waited.getCause().getMessage().contains("stuck in another namespace"), waited.getCause().toString());
      IllegalStateException later = assertThrows(IllegalStateException.class, () -> t.call(() -> "never run"));
      assertTrue(later.getMessage().contains("stuck in another namespace"), later.getMessage());
    } finally {
      assertTimeoutPreemptively(NO_HANG, t::close);
    }
  }

  private static NetnsThread.Work work(Runnable r) {
    return new NetnsThread.Work() {
      @Override
      public void run() {
        r.run();
      }

      @Override
      public void refuse(IllegalStateException why) {}
    };
  }
}
