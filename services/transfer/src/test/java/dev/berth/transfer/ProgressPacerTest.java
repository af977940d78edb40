package dev.berth.transfer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.transfer.BlobEvent.State;
import org.junit.jupiter.api.Test;

class ProgressPacerTest {
  private static BlobEvent event(String digest, long offset, State state) {
    return new BlobEvent(digest, "application/octet-stream", offset, 100, state);
  }

  @Test
  void stateChangesAlwaysPassAndBytesMovingPassOncePerInterval() {
    ProgressPacer pacer = new ProgressPacer();
    long t = 1_000_000_000L;
    assertTrue(pacer.admit(event("a", 0, State.TRANSFERRING), t));
    assertFalse(pacer.admit(event("a", 10, State.TRANSFERRING), t + 1));
    // another blob is paced on its own
    assertTrue(pacer.admit(event("b", 10, State.TRANSFERRING), t + 1));
    assertFalse(pacer.admit(event("a", 20, State.TRANSFERRING), t + ProgressPacer.INTERVAL_NANOS - 1));
    assertTrue(pacer.admit(event("a", 30, State.TRANSFERRING), t + ProgressPacer.INTERVAL_NANOS));
    // the end of a download is never held back, however soon it comes
    assertTrue(pacer.admit(event("a", 100, State.VERIFYING), t + ProgressPacer.INTERVAL_NANOS + 1));
    assertTrue(pacer.admit(event("a", 100, State.DONE), t + ProgressPacer.INTERVAL_NANOS + 2));
  }
}
