package dev.berth.metadata.events;

import containerd.services.events.v1.Envelope;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@code limit} envelopes published, oldest first: the record {@code events --since}
 * replays. In memory only, as Docker's daemon keeps its own; a restarted berthd has none. Not
 * thread-safe: the {@link EventBus} guards it.
 */
final class RecentEvents {
  private final ArrayDeque<Envelope> envelopes = new ArrayDeque<>();
  private final int limit;

  RecentEvents(int limit) {
    this.limit = limit;
  }

  void add(Envelope envelope) {
    if (envelopes.size() == limit) {
      envelopes.removeFirst();
    }
    envelopes.addLast(envelope);
  }

  List<Envelope> all() {
    return List.copyOf(envelopes);
  }
}
