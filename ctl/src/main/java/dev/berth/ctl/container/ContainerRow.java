package dev.berth.ctl.container;

import berth.network.v1.PortMapping;
import com.google.protobuf.Any;
import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.LabelLists;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.NetworkConnections;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.JsonPaths;
import dev.berth.ctl.output.Output;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A container as Docker's ContainerContext shows it to templates and JSON ({@code ps --format},
 * {@code system df -v --format}): its fields by their Go names, cut as Docker's CLI cuts them
 * unless told not to.
 */
public final class ContainerRow {
  private static final int MOUNT_WIDTH = 15;

  private ContainerRow() {}

  /**
   * The row of {@code s}.
   *
   * @param ports its published ports
   * @param imageIds image ids by name, for records made by name alone
   * @param size Docker's {@code .Size} ({@code 0B} for sizes it did not count)
   * @param truncate whether ids, commands, images and mounts are cut, as Docker's CLI cuts them
   *     without {@code --no-trunc}
   */
  public static Map<String, Object> of(ContainerState s, List<PortMapping> ports, Map<String, String> imageIds,
      String size, boolean truncate, Instant now) {
    List<String> volumes = LabelLists.split(s.record().getLabelsMap().get(ContainerLabels.VOLUMES));
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("ID", truncate ? s.id().substring(0, Math.min(PsCommand.SHORT_ID, s.id().length())) : s.id());
    row.put("Image", ContainerColumns.image(s.record(), imageIds, truncate));
    row.put("Command", ContainerColumns.command(s.record(), truncate));
    // Docker's containers carry whole seconds
    row.put("CreatedAt", Durations.goString(s.createdAt().truncatedTo(ChronoUnit.SECONDS)));
    row.put("RunningFor", Durations.ago(s.createdAt(), now));
    row.put("Ports", ports(s, ports));
    row.put("State", s.status());
    row.put("Status", ContainerColumns.status(s, now));
    row.put("Names", s.name());
    row.put("Labels", Output.labels(s.record().getLabelsMap().entrySet().stream()
        .filter(e -> !e.getKey().startsWith("io.berth.") && !e.getKey().startsWith("io.containerd.")
            && !e.getKey().startsWith("containerd.io/"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
    row.put("Mounts", mounts(s.record(), truncate));
    row.put("LocalVolumes", Integer.toString(volumes.size()));
    row.put("Networks", String.join(",", NetworkConnections.networks(s.record())));
    row.put("Size", size);
    return row;
  }

  /** Docker's PORTS ({@link PortsColumn}) of {@code published}, for a running container. */
  static String ports(ContainerState s, List<PortMapping> published) {
    return s.running() ? PortsColumn.of(published, exposedPorts(s.record())) : "";
  }

  /** {@code Config.ExposedPorts}'s keys ({@code 80/tcp}): the image's, {@code --expose}'s and the published ones. */
  static List<String> exposedPorts(Container record) {
    Any config = record.getExtensionsMap().get(ContainerConfig.EXTENSION);
    return config == null ? List.of() : JsonPaths.keys(config.getValue().toByteArray(), "Config", "ExposedPorts");
  }

  /**
   * Docker's {@code .Mounts}: each volume's name and each bind's source, comma-separated, each
   * cut to 15 characters unless {@code --no-trunc}, as Docker's CLI cuts them.
   */
  static String mounts(Container record, boolean truncate) {
    Any config = record.getExtensionsMap().get(ContainerConfig.EXTENSION);
    if (config == null) {
      // another client's record: the volumes Berth's label names
      return String.join(",", LabelLists.split(record.getLabelsMap().get(ContainerLabels.VOLUMES)));
    }
    List<String> names = new ArrayList<>();
    for (Map<String, String> m : JsonPaths.objects(config.getValue().toByteArray(), "Mounts")) {
      String name = m.getOrDefault("Name", "").isEmpty() ? m.getOrDefault("Source", "") : m.get("Name");
      if (!name.isEmpty()) {
        names.add(truncate && name.length() > MOUNT_WIDTH ? name.substring(0, MOUNT_WIDTH - 1) + "…" : name);
      }
    }
    return String.join(",", names);
  }
}
