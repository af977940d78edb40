package dev.berth.metadata.events;

import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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

  /** The kinds {@link #droppedSince} tells apart; envelopes of more kinds are told apart by time alone. */
  static final int KINDS = 256;

  private final ArrayDeque<Envelope> envelopes = new ArrayDeque<>();
  private final int limit;
  private final int kinds;
  /**
   * The latest time of the envelopes dropped, per namespace and topic, for at most {@link #kinds}
   * of them: whether a replay from a given time has lost some its filter selects. Topics are
   * clients' to choose (Events.Publish), so the kinds are bounded rather than trusted to be few.
   */
  private final Map<Kind, Timestamp> dropped = new HashMap<>();
  /** The latest time of the envelopes dropped once {@link #dropped} was full: lost to every replay from before it. */
  private Timestamp droppedOfAnyKind;

  RecentEvents(int limit) {
    this(limit, KINDS);
  }

  RecentEvents(int limit, int kinds) {
    this.limit = limit;
    this.kinds = kinds;
  }

  void add(Envelope envelope) {
    if (envelopes.size() == limit) {
      Envelope gone = envelopes.removeFirst();
      Kind kind = new Kind(gone.getNamespace(), gone.getTopic());
      if (dropped.size() < kinds || dropped.containsKey(kind)) {
        dropped.merge(kind, gone.getTimestamp(), RecentEvents::later);
      } else {
        droppedOfAnyKind = droppedOfAnyKind == null ? gone.getTimestamp() : later(droppedOfAnyKind, gone.getTimestamp());
      }
    }
    envelopes.addLast(envelope);
  }

  List<Envelope> all() {
    return List.copyOf(envelopes);
  }

  /**
   * Whether an envelope dated {@code since} or later has been dropped whose kind {@code selected}
   * selects, or, past the kinds told apart, of any kind: a replay from {@code since} would miss it.
   */
  boolean droppedSince(Predicate<Kind> selected, Timestamp since) {
    if (droppedOfAnyKind != null && CHRONOLOGICAL.compare(droppedOfAnyKind, since) >= 0) {
      return true;
    }
    return dropped.entrySet().stream()
        .anyMatch(d -> CHRONOLOGICAL.compare(d.getValue(), since) >= 0 && selected.test(d.getKey()));
  }

  /** How many kinds of dropped envelopes are told apart. */
  int kindsDropped() {
    return dropped.size();
  }

  private static Timestamp later(Timestamp a, Timestamp b) {
    return CHRONOLOGICAL.compare(a, b) >= 0 ? a : b;
  }
}
