package dev.berth.metadata.events;

import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import dev.berth.api.filter.Filter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Delivers every published envelope to the subscribers whose filter it matches, in memory, and
 * keeps the last ones ({@link RecentEvents}) for subscribers that ask for past events. The bus
 * never blocks a publisher: each subscriber's {@code sink} must take an envelope at once
 * (queueing it if it has to).
 */
public final class EventBus {
  /** Envelopes kept for replay: Docker's daemon keeps 256 of its own, and containerd's steps come between them. */
  public static final int DEFAULT_RECORDED = 1024;

  private record Subscriber(Filter filter, Consumer<Envelope> sink) {}

  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  // publishing and subscribing with a replay take turns, so a replay and what follows it neither
  // miss nor repeat an envelope
  private final Object lock = new Object();
  private final RecentEvents recent;

  public EventBus() {
    this(DEFAULT_RECORDED);
  }

  public EventBus(int recorded) {
    this.recent = new RecentEvents(recorded);
  }

  public void publish(Envelope envelope) {
    synchronized (lock) {
      recent.add(envelope);
      for (Subscriber s : subscribers) {
        if (matches(s.filter, envelope)) {
          s.sink.accept(envelope);
        }
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

  /**
   * As {@link #subscribe}, after first sending the recorded envelopes that {@code filter} and
   * {@code recorded} select, oldest first.
   */
  public AutoCloseable subscribe(Filter filter, Predicate<Envelope> recorded, Consumer<Envelope> sink) {
    synchronized (lock) {
      replay(filter, recorded, sink);
      return subscribe(filter, sink);
    }
  }

  /**
   * As {@link #subscribe(Filter, Predicate, Consumer)}, unless the record has dropped an envelope
   * that {@code filter} selects dated {@code since} or later ({@link #droppedSince}): then nothing
   * is sent, nothing subscribed, and the answer is empty.
   */
  public Optional<AutoCloseable> subscribeWithoutGap(Filter filter, Timestamp since, Predicate<Envelope> recorded,
      Consumer<Envelope> sink) {
    synchronized (lock) {
      return droppedSince(filter, since) ? Optional.empty() : Optional.of(subscribe(filter, recorded, sink));
    }
  }

  /**
   * Whether an envelope that {@code filter} selects, dated {@code since} or later, has been dropped
   * from the record: a replay from {@code since} would miss it.
   */
  public boolean droppedSince(Filter filter, Timestamp since) {
    synchronized (lock) {
      return recent.droppedSince(kind -> matches(filter, Envelope.newBuilder().setNamespace(kind.namespace())
          .setTopic(kind.topic()).build()), since);
    }
  }

  /** The recorded envelopes that {@code filter} and {@code recorded} select, oldest first. */
  public void replay(Filter filter, Predicate<Envelope> recorded, Consumer<Envelope> sink) {
    List<Envelope> all;
    synchronized (lock) {
      all = recent.all();
    }
    all.stream().filter(e -> matches(filter, e) && recorded.test(e)).forEach(sink);
  }

  private static boolean matches(Filter filter, Envelope envelope) {
    return filter.matches(path -> field(envelope, path));
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
