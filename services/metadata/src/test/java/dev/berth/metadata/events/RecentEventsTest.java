package dev.berth.metadata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import org.junit.jupiter.api.Test;

class RecentEventsTest {
  private static Envelope envelope(String topic, long seconds) {
    return Envelope.newBuilder().setNamespace("default").setTopic(topic)
        .setTimestamp(Timestamp.newBuilder().setSeconds(seconds)).build();
  }

  private static Timestamp at(long seconds) {
    return Timestamp.newBuilder().setSeconds(seconds).build();
  }

  /**
   * Topics are clients' to choose: past the kinds told apart, dropped envelopes are kept as one
   * time, which every replay from before it is told it missed, whatever its filter.
   */
  @Test
  void dropsOfMoreKindsThanItTellsApartAreKeptAsOneTimeForEveryFilter() {
    RecentEvents recent = new RecentEvents(1, 2);
    recent.add(envelope("/client/a", 100));
    recent.add(envelope("/client/b", 101));
    for (int i = 0; i < 10; i++) {
      recent.add(envelope("/client/other" + i, 102));
    }
    recent.add(envelope("/client/a", 103));
    recent.add(envelope("/client/last", 104));
    assertEquals(2, recent.kindsDropped());
    // the first two kinds are told apart: a filter that selects /client/b alone missed nothing since 102
    assertTrue(recent.droppedSince(k -> k.topic().equals("/client/a"), at(103)));
    assertFalse(recent.droppedSince(k -> k.topic().equals("/client/b"), at(103)));
    // the others are one time, the latest of them dropped: missed by a replay from then, whatever it selects
    assertTrue(recent.droppedSince(k -> false, at(102)));
    assertFalse(recent.droppedSince(k -> false, at(103)));
  }
}
