package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.api.content.Blobs;
import dev.berth.client.ClientException;
import dev.berth.client.health.Healthcheck;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImageRecords;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.client.images.ResolvedImage;
import dev.berth.client.images.UnpackListener;
import dev.berth.client.leases.Lease;
import io.grpc.Channel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Docker's {@code commit}: a container's changes (its writable layer against the image's layers)
 * as a new layer on top of its image, stored as a new image and unpacked, as containerd's clients
 * (nerdctl) make it: the Diff service compares a view of the image's layers with the container's
 * snapshot and stores the layer; the new config takes the container's run settings, as Docker's
 * does, and adds the layer's diff ID and a history step, the new manifest its descriptor. Everything is made under a lease deleted at the end.
 */
public final class ContainerCommitter {
  private static final String CREATED_BY = "berthctl commit";

  private final Channel channel;

  /** {@code channel} carries the namespace of the containers and images. */
  public ContainerCommitter(Channel channel) {
    this.channel = channel;
  }

  /** What to commit and how; without a {@code reference}, the image is kept untagged. */
  public record Order(Container container, String reference, String author, String message, boolean pause,
      ImageChanges changes) {}

  public Image commit(Order order) {
    Container record = order.container();
    String name = order.reference() == null ? null : ImageNames.normalize(order.reference());
    if (record.getSnapshotKey().isEmpty() || record.getImage().isEmpty()) {
      throw new ClientException("container " + ContainerState.name(record) + " has no image and snapshot to commit");
    }
    boolean paused = order.pause() && ContainerState.of(channel, record).running();
    TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(channel);
    if (paused) {
      tasks.pause(PauseTaskRequest.newBuilder().setContainerId(record.getId()).build());
    }
    try (Lease lease = Lease.create(channel, Lease.DEFAULT_EXPIRY)) {
      Channel leased = lease.channel();
      ImageClient images = new ImageClient(leased);
      // by the id recorded at create: the name it was created through may be gone, or name another image
      Image base = images.imageOf(record);
      ResolvedImage resolved = images.content(base);
      SnapshotDiff.Layer layer;
      try {
        layer = SnapshotDiff.of(leased, record.getSnapshotter(), record.getSnapshotKey(),
            dockerTypes(resolved) ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP);
      } finally {
        if (paused) {
          tasks.resume(ResumeTaskRequest.newBuilder().setContainerId(record.getId()).build());
          paused = false;
        }
      }
      Blobs blobs = Blobs.on(leased);
      String diffId = layer.diffId();
      byte[] config = config(images.configBlob(base), diffId, order, ContainerConfig.of(record));
      Descriptor configDescriptor = ImageAssembly.store(blobs,
          dockerTypes(resolved) ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, config, Map.of());
      List<Descriptor> layers = new ArrayList<>(resolved.layers());
      layers.add(layer.descriptor());
      Descriptor manifest = ImageAssembly.manifest(blobs,
          dockerTypes(resolved) ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST, configDescriptor, layers);
      Image image = name == null ? images.keepUntagged(manifest)
          : ImageRecords.createOrRetarget(ImagesGrpc.newBlockingStub(leased), new Image(name, manifest, Map.of(), null, null));
      images.unpack(image, record.getSnapshotter(), UnpackListener.NONE);
      return image;
    } finally {
      if (paused) {
        tasks.resume(ResumeTaskRequest.newBuilder().setContainerId(record.getId()).build());
      }
    }
  }

  /** Whether the image is Docker schema 2, whose media types the new image keeps. */
  private static boolean dockerTypes(ResolvedImage image) {
    return image.manifestDescriptor().mediaType().equals(MediaTypes.DOCKER_MANIFEST);
  }

  /**
   * The base config with the container's run settings and the changes over them, the new layer's
   * diff ID, a history step, the time, the author and the message.
   */
  private static byte[] config(byte[] base, String diffId, Order order, ContainerConfig container) {
    ObjectNode config = (ObjectNode) OciJson.tree(base, "image config");
    runSettings(config.withObject("/config"), container.config());
    order.changes().applyTo(config.withObject("/config"));
    String now = Instant.now().toString();
    config.put("created", now);
    if (order.author() != null && !order.author().isEmpty()) {
      config.put("author", order.author());
    }
    if (order.message() != null && !order.message().isEmpty()) {
      config.put("comment", order.message());
    }
    ObjectNode rootfs = config.has("rootfs") ? (ObjectNode) config.get("rootfs") : config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.has("diff_ids") ? (ArrayNode) rootfs.get("diff_ids") : rootfs.putArray("diff_ids");
    diffIds.add(diffId);
    ArrayNode history = config.has("history") ? (ArrayNode) config.get("history") : config.putArray("history");
    ObjectNode step = history.addObject().put("created", now).put("created_by", CREATED_BY);
    if (order.author() != null && !order.author().isEmpty()) {
      step.put("author", order.author());
    }
    if (order.message() != null && !order.message().isEmpty()) {
      step.put("comment", order.message());
    }
    return OciJson.bytes(config);
  }

  /**
   * As Docker commits: the image runs as the container was made to run (its command, entrypoint,
   * environment, user, working directory, ports, stop signal, health check), and has the container's
   * labels over the image's. A record other clients made has no Docker config: the base image's stays.
   */
  private static void runSettings(ObjectNode run, ObjectNode container) {
    if (container.isEmpty()) {
      return;
    }
    for (String field : List.of("Entrypoint", "Cmd")) {
      if (container.path(field).isEmpty()) {
        run.remove(field);
      } else {
        run.set(field, container.get(field).deepCopy());
      }
    }
    // records made before Config.Env left them out hold them too
    ArrayNode env = run.putArray("Env");
    container.path("Env").forEach(e -> {
      if (!ContainerConfig.setAtStart(e.asText(), container.path("Tty").asBoolean(false))) {
        env.add(e.asText());
      }
    });
    run.put("User", container.path("User").asText(""));
    String workdir = container.path("WorkingDir").asText("");
    if (!workdir.equals("/") || !run.path("WorkingDir").asText("").isEmpty()) {
      run.put("WorkingDir", workdir);
    }
    if (!container.path("ExposedPorts").isEmpty()) {
      run.set("ExposedPorts", container.get("ExposedPorts").deepCopy());
    }
    if (!container.path("Labels").isEmpty()) {
      run.withObject("/Labels").setAll((ObjectNode) container.get("Labels").deepCopy());
    }
    if (!container.path("StopSignal").asText("").isEmpty()) {
      run.put("StopSignal", container.path("StopSignal").asText());
    }
    // as Docker's JSON writes it, without zero fields (a check an earlier Berth recorded has them)
    Healthcheck.fromJson(container.get("Healthcheck")).ifPresent(check -> check.writeTo(run.putObject("Healthcheck")));
  }
}
