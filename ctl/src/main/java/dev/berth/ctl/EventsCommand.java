package dev.berth.ctl;

import berth.events.v1.ContainerActionsProto;
import berth.events.v1.EventHistoryGrpc;
import berth.events.v1.NetworksVolumesProto;
import berth.events.v1.SubscribeSinceRequest;
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
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.container.ContainerArgument;
import dev.berth.ctl.events.ContainerNamesBefore;
import dev.berth.ctl.events.DockerEvent;
import dev.berth.ctl.events.DockerEvents;
import dev.berth.ctl.events.EventFilter;
import dev.berth.ctl.events.ImageIdsSeen;
import dev.berth.ctl.events.TaskStarts;
import dev.berth.ctl.events.VolumeMountEvents;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.TemplateFailure;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import dev.berth.ctl.output.Json;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
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
    description = {"Follow the events of the namespace as they happen (with --since, first those berthd recorded "
        + "since then: its last 1024, kept in memory), as Docker reports them: one line each "
        + "(time, type, action, id, attributes), or one JSON object each with --format json "
        + "(Type, Action, Actor{ID, Attributes}, scope, time, timeNano).",
        "Container events: create, start, kill (signal), die (exitCode), stop, restart, oom, pause, unpause, "
            + "exec_create, exec_start, exec_die, rename (oldName), update, destroy; image events: tag, delete; "
            + "network events: create, connect, disconnect, destroy; volume events: create, destroy; "
            + "Berth's own topics keep their words (snapshot prepare, ...).",
        "Filters (--filter KEY=VALUE, repeatable; values of one key are alternatives, except label=, of which "
            + "every one must match): type=container|image|..., event=ACTION, container=NAME|ID, image=NAME, network=NAME|ID, volume=NAME, label=KEY[=VALUE]."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl events", "  berthctl events --filter container=web --filter event=die",
        "  berthctl events --filter type=container --format json",
        "  berthctl events --format '{{.Action}} {{.Actor.Attributes.name}}'",
        "  berthctl events --until $(($(date +%%s) + 60))", "  berthctl events --since 10m --until 1m"})
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

  @Option(names = {"-f", "--filter"}, converter = PflagTypes.Filter.class, preprocessor = PflagTypes.Filter.class,
      paramLabel = "KEY=VALUE", description = "only matching events (repeatable)")
  List<String> filters = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "json (one object per line) or a Go template such as '{{.Type}} {{.Action}}'")
  String format;

  @Option(names = "--since", paramLabel = "TIME",
      description = "first the recorded events from TIME on: RFC 3339, a Unix time in seconds, or a duration before "
          + "now such as 10m")
  String since;

  @Option(names = "--until", paramLabel = "TIME",
      description = "stop at TIME: RFC 3339, a Unix time in seconds, or a duration before now such as 10m")
  String until;

  /** Attributes of the containers seen, by id: a destroyed container's name stays known. */
  private final Map<String, Map<String, String>> containers = new HashMap<>();
  /** When the containers seen last started, for their die events' execDuration. */
  private final TaskStarts starts = new TaskStarts();
  /** The volumes of the containers seen, by id, for Docker's volume mount and unmount events. */
  private final Map<String, List<VolumeMountEvents.VolumeMount>> volumes = new HashMap<>();

  @Override
  public Integer call() {
    EventFilter filter = EventFilter.parse(filters);
    // {{json .}} is Docker's event message as JSON, with its JSON field names
    Template template = format == null || TemplateFormatOption.isJson(format) ? null : template(format);
    Instant now = Instant.now();
    Instant start = since == null ? null : time(since, now);
    Instant end = until == null ? null : time(until, now);
    if (start != null && end != null && end.isBefore(start)) {
      // refused as Docker's daemon refuses it, quoting the times as Docker's client sent them
      throw new DaemonError("`since` time (" + Durations.sentToDaemon(since, start) + ") cannot be after `until` "
          + "time (" + Durations.sentToDaemon(until, end) + ")");
    }
    if (start == null && end != null) {
      // as Docker's daemon: --until alone replays every event it keeps up to then, then follows until then
      start = Instant.EPOCH;
    }
    String namespace = "namespace==\"" + root.namespace() + "\"";
    try (Connection c = root.connect()) {
      Iterator<Envelope> events;
      if (start == null) {
        events = withDeadline(EventsGrpc.newBlockingStub(c.channel()), end)
            .subscribe(SubscribeRequest.newBuilder().addFilters(namespace).build());
      } else {
        // containerd's Events API keeps nothing: berthd's EventHistory replays what it recorded
        SubscribeSinceRequest.Builder request = SubscribeSinceRequest.newBuilder().addFilters(namespace)
            .setSince(ProtoTimes.toTimestamp(start));
        if (end != null) {
          request.setUntil(ProtoTimes.toTimestamp(end));
        }
        events = withDeadline(EventHistoryGrpc.newBlockingStub(c.channel()), end).subscribe(request.build());
      }
      // every container there is now, before any goes: a destroy names what it removed, as Docker's
      // does, also for a container this command had no event of before (a prune's, an rm's)
      c.containers().list().forEach(this::remember);
      ImageIdsSeen imageIds = new ImageIdsSeen(new ImageClient(c.channel()));
      ContainerNamesBefore namesBefore = start == null ? new ContainerNamesBefore() : renamesSince(c, namespace, start, now);
      try {
        while (events.hasNext()) {
          Envelope e = events.next();
          if (end != null && ProtoTimes.toInstant(e.getTimestamp()).isAfter(end)) {
            break;
          }
          Map<String, Object> fields = fields(e);
          if (e.getTopic().equals("/containers/rename")) {
            // the name remembered for it is the old one
            containers.remove(String.valueOf(fields.get("id")));
          }
          if (e.getTopic().equals("/images/create") || e.getTopic().equals("/images/update")) {
            imageIds.tagged(String.valueOf(fields.get("name")));
          }
          Instant time = ProtoTimes.toInstant(e.getTimestamp());
          if (e.getTopic().equals("/tasks/start")) {
            starts.started(String.valueOf(fields.get("container_id")), time);
          }
          Optional<DockerEvent> event = DockerEvents.of(e.getTopic(), fields, time,
              id -> namedAt(attributes(c, id), namesBefore.at(id, time)), imageIds::of)
              .map(d -> TaskStarts.isDie(d) ? starts.withExecDuration(d) : d);
          if (event.isPresent()) {
            // Docker's daemon mounts a container's volumes before its start, unmounts them before its die
            for (DockerEvent v : VolumeMountEvents.before(event.get(),
                volumes.getOrDefault(event.get().actorId(), List.of()))) {
              if (filter.matches(v)) {
                print(v, template);
              }
            }
            if (filter.matches(event.get())) {
              print(event.get(), template);
            }
          }
          if (e.getTopic().equals("/images/delete") && event.isPresent()) {
            // Docker's untag of the name, then its delete of the image once no name is left
            String id = event.get().actorId();
            if (!imageIds.untaggedLeaving(String.valueOf(fields.get("name")), id) && id.startsWith("sha256:")) {
              DockerEvent deleted = DockerEvents.imageDeleted(id, time);
              if (filter.matches(deleted)) {
                print(deleted, template);
              }
            }
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

  /** The renames berthd recorded from {@code start} to {@code now}, read ahead of the replay that names containers. */
  private static ContainerNamesBefore renamesSince(Connection c, String namespace, Instant start, Instant now) {
    ContainerNamesBefore names = new ContainerNamesBefore();
    Iterator<Envelope> renames = EventHistoryGrpc.newBlockingStub(c.channel()).subscribe(SubscribeSinceRequest.newBuilder()
        .addFilters(namespace + ",topic==\"/containers/rename\"").setSince(ProtoTimes.toTimestamp(start))
        .setUntil(ProtoTimes.toTimestamp(now)).build());
    while (renames.hasNext()) {
      Envelope e = renames.next();
      Map<String, Object> fields = fields(e);
      names.renamed(String.valueOf(fields.get("id")), String.valueOf(fields.get("old_name")),
          ProtoTimes.toInstant(e.getTimestamp()));
    }
    return names;
  }

  /**
   * {@code attributes} with the name the container had then, if not the one it has now (the name
   * alone for a container removed since).
   */
  private static Map<String, String> namedAt(Map<String, String> attributes, Optional<String> then) {
    if (then.isEmpty()) {
      return attributes;
    }
    Map<String, String> named = new TreeMap<>(attributes);
    named.put("name", then.get());
    return named;
  }

  /** The stub, ended at {@code end} if there is one and it is still to come (else it replays, then ends). */
  private static <S extends AbstractStub<S>> S withDeadline(S stub, Instant end) {
    long millis = end == null ? 0 : Duration.between(Instant.now(), end).toMillis();
    return millis > 0 ? stub.withDeadlineAfter(millis, TimeUnit.MILLISECONDS) : stub;
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
    return record.map(this::remember).orElse(Map.of());
  }

  /**
   * The attributes of the container {@code record} keeps, kept for its later events if it is one
   * of Berth's (named), and the start it records, for its die's execDuration.
   */
  private Map<String, String> remember(Container record) {
    startedAt(record).ifPresent(at -> starts.recorded(record.getId(), at));
    Map<String, String> attributes = new TreeMap<>();
    ContainerConfig config = ContainerConfig.of(record);
    volumes.put(record.getId(), VolumeMountEvents.of(config.mounts()));
    config.config().path("Labels").fields().forEachRemaining(l -> attributes.put(l.getKey(), l.getValue().asText()));
    String image = config.config().path("Image").asText("");
    attributes.put("image", !image.isEmpty() ? image
        : record.getImage().isEmpty() ? "" : ImageNames.familiar(record.getImage()));
    attributes.put("name", ContainerArgument.name(record));
    if (record.getLabelsMap().containsKey(ContainerLabels.NAME)) {
      containers.put(record.getId(), attributes);
    }
    return attributes;
  }

  /** The start time the record keeps (Berth's client writes it at each start), if it holds one. */
  private static Optional<Instant> startedAt(Container record) {
    try {
      return Optional.of(Instant.parse(record.getLabelsMap().getOrDefault(ContainerLabels.STARTED_AT, "")));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code format} read as Docker's events reads it, and tried on an empty message as Docker's
   * does before waiting for any, so a field no event has fails at once: "Error parsing format:
   * ..." and exit 64 where it cannot be read or tried.
   */
  private static Template template(String format) {
    try {
      Template template = Template.parse(format);
      template.render(Json.mapper().valueToTree(DockerEvent.empty().templateView()), TemplateContext.EVENTS);
      return template;
    } catch (TemplateFailure f) {
      throw f.prefixed("Error parsing format: ").exiting(64);
    }
  }

  private void print(DockerEvent event, Template template) {
    if (template != null) {
      String line;
      try {
        line = template.render(Json.mapper().valueToTree(event.templateView()), TemplateContext.EVENTS);
      } catch (TemplateFailure f) {
        // as Docker's: what the template wrote, its newline, then the error
        root.out().println(f.partial());
        throw f;
      }
      root.out().println(line);
    } else if (format != null) {
      root.out().println(Output.compactJson(event.json()));
    } else {
      // the local time, as Docker's CLI gives it
      root.out().println(event.text(ZoneId.systemDefault()));
    }
    root.out().flush();
  }

  /**
   * {@code --since}/{@code --until}'s time, refused in the words of Docker's client, which gives
   * events' times no flag name: a value that is no time, Unix time or duration, or (when it holds a
   * '-') a date that does not parse.
   */
  private static Instant time(String value, Instant now) {
    try {
      return Durations.since(value, now);
    } catch (CommandFailure e) {
      if (value.contains("-")) {
        throw e;
      }
      throw new CommandFailure("failed to parse value as time or duration: \"" + value + "\"", e);
    }
  }
}
