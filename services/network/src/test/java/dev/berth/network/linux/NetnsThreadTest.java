package dev.berth.network.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
}
