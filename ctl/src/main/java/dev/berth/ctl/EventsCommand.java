package dev.berth.ctl;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import containerd.events.ContainerEventsProto;
import containerd.events.ContentEventsProto;
import containerd.events.NamespaceEventsProto;
import containerd.events.SnapshotEventsProto;
import containerd.events.TaskEventsProto;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import containerd.services.images.v1.ImageEventsProto;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.ctl.container.ContainerArgument;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Output;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl events}: berthd's events as they happen. */
@Command(name = "events",
    description = {"Follow the events of the namespace (containers, tasks, images, snapshots, content) as they "
        + "happen, one per line: time, topic, the event's fields and the container's name.",
        "Filters (--filter KEY=VALUE, repeatable; values of one key are alternatives): container=NAME|ID, "
            + "event=create|start|exit|oom|delete|... (the topic's last part), type=task|container|image|snapshot|content|namespace."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl events", "  berthctl events --filter container=web --filter event=exit",
        "  berthctl events --filter type=task --format json"})
final class EventsCommand implements Callable<Integer>, DockerExitCodes {
  /** The events' message types by name, made on the first event: {@code events --help} needs none. */
  private static final class EventTypes {
    static final Map<String, Descriptors.Descriptor> BY_NAME = new HashMap<>();

    static {
      for (Descriptors.FileDescriptor f : List.of(ContainerEventsProto.getDescriptor(),
          ContentEventsProto.getDescriptor(), ImageEventsProto.getDescriptor(), NamespaceEventsProto.getDescriptor(),
          SnapshotEventsProto.getDescriptor(), TaskEventsProto.getDescriptor())) {
        f.getMessageTypes().forEach(d -> BY_NAME.put(d.getFullName(), d));
      }
    }
  }

  @ParentCommand
  private BerthCtl root;

  @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "only matching events (repeatable)")
  private List<String> filters = new ArrayList<>();

  @Mixin
  private FormatOption format;

  @Override
  public Integer call() {
    try (Connection c = root.connect()) {
      Map<String, List<String>> byKey = parseFilters(c);
      Map<String, String> names = new HashMap<>();
      Iterator<Envelope> events = EventsGrpc.newBlockingStub(c.channel()).subscribe(SubscribeRequest.newBuilder()
          .addFilters("namespace==\"" + root.namespace() + "\"").build());
      while (events.hasNext()) {
        Envelope e = events.next();
        Map<String, Object> fields = fields(e);
        String container = String.valueOf(fields.getOrDefault("container_id", fields.getOrDefault("id", "")));
        if (!matches(e.getTopic(), container, byKey)) {
          continue;
        }
        String name = container.isEmpty() ? "" : names.computeIfAbsent(container, id -> name(c, id));
        print(e, fields, name);
      }
    }
    return 0;
  }

  private Map<String, List<String>> parseFilters(Connection c) {
    Map<String, List<String>> byKey = new HashMap<>();
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? "" : f.substring(0, equals);
      if (!Set.of("container", "event", "type").contains(key)) {
        throw new CommandFailure("invalid filter '" + f + "': expected container=, event= or type=");
      }
      String value = f.substring(equals + 1);
      if (key.equals("container")) {
        value = ContainerArgument.id(c.channel(), value);
      }
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return byKey;
  }

  private static boolean matches(String topic, String container, Map<String, List<String>> byKey) {
    String[] parts = topic.split("/");
    String type = parts.length > 1 ? parts[1].replaceAll("s$", "") : "";
    String event = parts[parts.length - 1];
    return byKey.getOrDefault("container", List.of(container)).contains(container)
        && byKey.getOrDefault("type", List.of(type)).contains(type)
        && byKey.getOrDefault("event", List.of(event)).contains(event);
  }

  /** The event's set fields by name; nested messages (timestamps) as their text. */
  private static Map<String, Object> fields(Envelope e) {
    Map<String, Object> fields = new LinkedHashMap<>();
    String typeName = e.getEvent().getTypeUrl().substring(e.getEvent().getTypeUrl().lastIndexOf('/') + 1);
    Descriptors.Descriptor type = EventTypes.BY_NAME.get(typeName);
    if (type == null) {
      return fields;
    }
    try {
      DynamicMessage m = DynamicMessage.parseFrom(type, e.getEvent().getValue());
      m.getAllFields().forEach((field, value) -> fields.put(field.getName(), value instanceof Message nested
          ? nested.toString().replace('\n', ' ').strip() : value));
    } catch (InvalidProtocolBufferException ex) {
      fields.put("error", "unreadable event: " + ex.getMessage());
    }
    return fields;
  }

  private static String name(Connection c, String id) {
    return c.containers().find(id).map(ContainerArgument::name).orElse("");
  }

  private void print(Envelope e, Map<String, Object> fields, String name) {
    if (format.json()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("time", ProtoTimes.toInstant(e.getTimestamp()).toString());
      row.put("namespace", e.getNamespace());
      row.put("topic", e.getTopic());
      row.put("event", fields);
      if (!name.isEmpty()) {
        row.put("name", name);
      }
      root.out().println(Output.compactJson(row));
    } else {
      List<String> parts = new ArrayList<>();
      fields.forEach((k, v) -> parts.add(k + "=" + v));
      root.out().println(ProtoTimes.toInstant(e.getTimestamp()) + " " + e.getTopic() + " " + String.join(", ", parts)
          + (name.isEmpty() || name.equals(fields.get("container_id")) ? "" : " (name=" + name + ")"));
    }
    root.out().flush();
  }
}
