package dev.berth.tasks;

import com.google.protobuf.Message;
import dev.berth.common.events.EventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Keeps what was published, for tests to check and wait for. */
final class RecordingEvents implements EventPublisher {
  record Event(String namespace, String topic, Message payload) {}

  private final List<Event> events = new ArrayList<>();

  @Override
  public synchronized void publish(String namespace, String topic, Message event) {
    events.add(new Event(namespace, topic, event));
    notifyAll();
  }

  synchronized List<Event> all() {
    return new ArrayList<>(events);
  }

  synchronized List<String> topics() {
    return events.stream().map(Event::topic).toList();
  }

  /** The first event on {@code topic}, waiting up to {@code timeout} for it. */
  synchronized Optional<Event> await(String topic, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Event> e = events.stream().filter(x -> x.topic().equals(topic)).findFirst();
      long left = deadline - System.nanoTime();
      if (e.isPresent() || left <= 0) {
        return e;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
