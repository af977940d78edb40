package dev.berth.snapshots;

import com.google.protobuf.Message;
import dev.berth.common.events.EventPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what was published, for tests to inspect. */
final class RecordingEvents implements EventPublisher {
  record Event(String namespace, String topic, Message payload) {}

  final List<Event> published = new CopyOnWriteArrayList<>();

  @Override
  public void publish(String namespace, String topic, Message event) {
    published.add(new Event(namespace, topic, event));
  }

  List<String> topics() {
    return published.stream().map(Event::topic).toList();
  }
}
