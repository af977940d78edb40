package dev.berth.common.events;

import com.google.protobuf.Message;

/** Where services announce what changed (containerd's events: topic plus payload). */
public interface EventPublisher {
  /** Publishes {@code event} on {@code topic} (e.g. {@code /content/delete}) in {@code namespace}. */
  void publish(String namespace, String topic, Message event);
}
