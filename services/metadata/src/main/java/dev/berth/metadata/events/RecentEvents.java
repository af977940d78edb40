package dev.berth.metadata.events;

import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@code limit} envelopes published, oldest first: the record {@code events --since}
 * replays. In memory only, as Docker's daemon keeps its own; a restarted berthd has none. Not
 * thread-safe: the {@link EventBus} guards it.
 */
final class RecentEvents {
  static final Comparator<Timestamp> CHRONOLOGICAL =
      Comparator.comparingLong(Timestamp::getSeconds).thenComparingInt(Timestamp::getNanos);

  /** What a dropped envelope could have been selected by: filters read only its namespace and topic. */
  record Kind(String namespace, String topic) {}

  private final ArrayDeque<Envelope> envelopes = new ArrayDeque<>();
  private final int limit;
  /**
   * The latest time of the envelopes dropped, per namespace and topic: whether a replay from a
   * given time has lost some. A few hundred kinds at most (containerd's topics in each namespace).
   */
  private final Map<Kind, Timestamp> dropped = new HashMap<>();

  RecentEvents(int limit) {
    this.limit = limit;
  }

  void add(Envelope envelope) {
    if (envelopes.size() == limit) {
      Envelope gone = envelopes.removeFirst();
      dropped.merge(new Kind(gone.getNamespace(), gone.getTopic()), gone.getTimestamp(),
          (a, b) -> CHRONOLOGICAL.compare(a, b) >= 0 ? a : b);
    }
    envelopes.addLast(envelope);
  }

  List<Envelope> all() {
    return List.copyOf(envelopes);
  }

  /** The kinds of envelopes dropped so far, each with the latest time of those dropped. */
  Map<Kind, Timestamp> dropped() {
    return Map.copyOf(dropped);
  }
}
