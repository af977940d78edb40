package dev.berth.metadata.events;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;

/** containerd's rule for event topics: {@code /component/.../action}, each component an identifier. */
final class Topics {
  private Topics() {}

  static String validate(String topic) {
    if (topic.isEmpty()) {
      throw Errors.invalidArgument("event topic must not be empty");
    }
    if (topic.charAt(0) != '/') {
      throw Errors.invalidArgument("event topic %s must start with '/'", Identifiers.printable(topic));
    }
    if (topic.length() == 1) {
      throw Errors.invalidArgument("event topic %s must have at least one component", Identifiers.printable(topic));
    }
    for (String component : topic.substring(1).split("/", -1)) {
      if (!Identifiers.isValid(component)) {
        throw Errors.invalidArgument("event topic %s has an invalid component %s",
            Identifiers.printable(topic), Identifiers.printable(component));
      }
    }
    return topic;
  }
}
