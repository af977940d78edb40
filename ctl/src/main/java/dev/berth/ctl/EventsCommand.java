package dev.berth.ctl;

import berth.events.v1.ContainerActionsProto;
import berth.events.v1.NetworksVolumesProto;
import berth.health.v1.HealthProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import containerd.events.ContainerEventsProto;
import containerd.events.ContentEventsProto;
import containerd.events.NamespaceEventsProto;
import containerd.events.SnapshotEventsProto;
import containerd.events.TaskEventsProto;
import containerd.services.containers.v1.Container;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import containerd.services.images.v1.ImageEventsProto;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.container.ContainerArgument;
import dev.berth.ctl.events.DockerEvent;
import dev.berth.ctl.events.DockerEvents;
import dev.berth.ctl.events.EventFilter;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.TemplateFailure;
import dev.berth.ctl.output.TemplateFormatOption;
import dev.berth.ctl.output.Json;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl events}: berthd's events as they happen, in Docker's words. */
@Command(name = "events",
    description = {"Follow the events of the namespace as they happen, as Docker reports them: one line each "
        + "(time, type, action, id, attributes), or one JSON object each with --format json "
        + "(Type, Action, Actor{ID, Attributes}, scope, time, timeNano).",
        "Container events: create, start, kill (signal), die (exitCode), stop, restart, oom, pause, unpause, "
            + "exec_create, exec_start, exec_die, rename (oldName), update, destroy; image events: tag, delete; "
            + "network events: create, connect, disconnect, destroy; volume events: create, destroy; "
            + "Berth's own topics keep their words (snapshot prepare, ...).",
        "Filters (--filter KEY=VALUE, repeatable; values of one key are alternatives): type=container|image|..., "
            + "event=ACTION, container=NAME|ID, image=NAME, network=NAME|ID, volume=NAME, label=KEY[=VALUE]."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl events", "  berthctl events --filter container=web --filter event=die",
        "  berthctl events --filter type=container --format json",
        "  berthctl events --format '{{.Action}} {{.Actor.Attributes.name}}'",
        "  berthctl events --until $(($(date +%%s) + 60))"})
final class EventsCommand implements Callable<Integer> {
  /** The events' message types by name, made on the first event: {@code events --help} needs none. */
  private static final class EventTypes {
    static final Map<String, Descriptors.Descriptor> BY_NAME = new HashMap<>();

    static {
      for (Descriptors.FileDescriptor f : List.of(ContainerEventsProto.getDescriptor(),
          ContentEventsProto.getDescriptor(), ImageEventsProto.getDescriptor(), NamespaceEventsProto.getDescriptor(),
          SnapshotEventsProto.getDescriptor(), TaskEventsProto.getDescriptor(), HealthProto.getDescriptor(),
          ContainerActionsProto.getDescriptor(), NetworksVolumesProto.getDescriptor())) {
        f.getMessageTypes().forEach(d -> BY_NAME.put(d.getFullName(), d));
      }
    }
  }

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE", description = "only matching events (repeatable)")
  List<String> filters = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "json (one object per line) or a Go template such as '{{.Type}} {{.Action}}'")
  String format;

  @Option(names = "--until", paramLabel = "TIME",
      description = "stop at TIME: RFC 3339, a Unix time in seconds, or a duration before now such as 10m")
  String until;

  /** Attributes of the containers seen, by id: a destroyed container's name stays known. */
  private final Map<String, Map<String, String>> containers = new HashMap<>();

  @Override
  public Integer call() {
    EventFilter filter = EventFilter.parse(filters);
    // {{json .}} is Docker's event message as JSON, with its JSON field names
    Template template = format == null || TemplateFormatOption.isJson(format) ? null : template(format);
    try (Connection c = root.connect()) {
      EventsGrpc.EventsBlockingStub stub = EventsGrpc.newBlockingStub(c.channel());
      if (until != null) {
        Instant end = Durations.since(until, Instant.now());
        long millis = Duration.between(Instant.now(), end).toMillis();
        if (millis <= 0) {
          return 0;
        }
        stub = stub.withDeadlineAfter(millis, TimeUnit.MILLISECONDS);
      }
      Iterator<Envelope> events = stub.subscribe(SubscribeRequest.newBuilder()
          .addFilters("namespace==\"" + root.namespace() + "\"").build());
      try {
        while (events.hasNext()) {
          Envelope e = events.next();
          Map<String, Object> fields = fields(e);
          if (e.getTopic().equals("/containers/rename")) {
            // the name remembered for it is the old one
            containers.remove(String.valueOf(fields.get("id")));
          }
          Optional<DockerEvent> event = DockerEvents.of(e.getTopic(), fields, ProtoTimes.toInstant(e.getTimestamp()),
              id -> attributes(c, id));
          if (event.isPresent() && filter.matches(event.get())) {
            print(event.get(), template);
          }
        }
      } catch (StatusRuntimeException e) {
        if (until == null || e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
          throw e;
        }
      }
    }
    return 0;
  }

  /**
   * The event's scalar fields by name (ids, names, exit status): what Docker's attributes take;
   * and its lists of text (an exec's args, which Docker's exec actions name) as lists.
   */
  private static Map<String, Object> fields(Envelope e) {
    Map<String, Object> fields = new LinkedHashMap<>();
    String typeName = e.getEvent().getTypeUrl().substring(e.getEvent().getTypeUrl().lastIndexOf('/') + 1);
    Descriptors.Descriptor type = EventTypes.BY_NAME.get(typeName);
    if (type == null) {
      return fields;
    }
    try {
      DynamicMessage m = DynamicMessage.parseFrom(type, e.getEvent().getValue());
      m.getAllFields().forEach((field, value) -> {
        if (value instanceof String || value instanceof Number || value instanceof Boolean
            || field.isRepeated() && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
          fields.put(field.getName(), value);
        }
      });
    } catch (InvalidProtocolBufferException ex) {
      fields.put("error", "unreadable event: " + ex.getMessage());
    }
    return fields;
  }

  /** A container's name, image (as it was named at create) and labels, as Docker's attributes. */
  private Map<String, String> attributes(Connection c, String id) {
    if (id.isEmpty()) {
      return Map.of();
    }
    Map<String, String> known = containers.get(id);
    if (known != null) {
      return known;
    }
    Optional<Container> record;
    try {
      record = c.containers().find(id);
    } catch (StatusRuntimeException e) {
      record = Optional.empty();
    }
    if (record.isEmpty()) {
      return Map.of();
    }
    Map<String, String> attributes = new TreeMap<>();
    ContainerConfig config = ContainerConfig.of(record.get());
    config.config().path("Labels").fields().forEachRemaining(l -> attributes.put(l.getKey(), l.getValue().asText()));
    String image = config.config().path("Image").asText("");
    attributes.put("image", !image.isEmpty() ? image
        : record.get().getImage().isEmpty() ? "" : ImageNames.familiar(record.get().getImage()));
    attributes.put("name", ContainerArgument.name(record.get()));
    if (record.get().getLabelsMap().containsKey(ContainerLabels.NAME)) {
      containers.put(id, attributes);
    }
    return attributes;
  }

  /** {@code format} read as Docker's events reads it: "Error parsing format: ..." and exit 64 where it cannot be. */
  private static Template template(String format) {
    try {
      return Template.parse(format);
    } catch (TemplateFailure f) {
      throw f.prefixed("Error parsing format: ").exiting(64);
    }
  }

  private void print(DockerEvent event, Template template) {
    if (template != null) {
      String line;
      try {
        line = template.render(Json.mapper().valueToTree(event.templateView()));
      } catch (TemplateFailure f) {
        // as Docker's: what the template wrote, its newline, then the error
        root.out().println(f.partial());
        throw f;
      }
      root.out().println(line);
    } else if (format != null) {
      root.out().println(Output.compactJson(event.json()));
    } else {
      root.out().println(event.text());
    }
    root.out().flush();
  }
}
