package dev.berth.metadata.events;

import containerd.services.events.v1.Envelope;
import dev.berth.api.filter.Filter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Delivers every published envelope to the subscribers whose filter it matches, in memory. The
 * bus never blocks a publisher: each subscriber's {@code sink} must take an envelope at once
 * (queueing it if it has to).
 */
public final class EventBus {
  private record Subscriber(Filter filter, Consumer<Envelope> sink) {}

  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

  public void publish(Envelope envelope) {
    for (Subscriber s : subscribers) {
      if (s.filter.matches(path -> field(envelope, path))) {
        s.sink.accept(envelope);
      }
    }
  }

  /**
   * Sends matching envelopes to {@code sink} until the returned handle is closed. {@code filter}
   * fields: namespace, topic (containerd's {@code event.*} fields never match).
   */
  public AutoCloseable subscribe(Filter filter, Consumer<Envelope> sink) {
    Subscriber s = new Subscriber(filter, sink);
    subscribers.add(s);
    return () -> subscribers.remove(s);
  }

  private static Optional<String> field(Envelope envelope, List<String> path) {
    if (path.size() != 1) {
      return Optional.empty();
    }
    return switch (path.get(0)) {
      case "namespace" -> Optional.of(envelope.getNamespace());
      case "topic" -> Optional.of(envelope.getTopic());
      default -> Optional.empty();
    };
  }
}
