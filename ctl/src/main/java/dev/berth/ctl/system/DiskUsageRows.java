package dev.berth.ctl.system;

import berth.network.v1.PortMapping;
import dev.berth.client.images.ImageNames;
import dev.berth.client.system.DiskUsage;
import dev.berth.ctl.container.ContainerRow;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.volume.VolumeCommand;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code system df -v}'s report as Docker's CLI hands it to a {@code --format} other than
 * {@code table} (its diskUsageContext): the lists {@code Images}, {@code Containers},
 * {@code Volumes} and {@code BuildCache}, each row by the Go names of Docker's image, container,
 * volume and build cache contexts, nothing cut, each row's keys sorted as Docker's formatter
 * writes their JSON.
 */
final class DiskUsageRows {
  private DiskUsageRows() {}

  /** The report's rows; {@code ports} holds the published ports by container id. */
  static Map<String, Object> of(DiskUsage.Report report, Map<String, List<PortMapping>> ports, Instant now) {
    Map<String, String> imageIds = new HashMap<>();
    report.images().forEach(i -> imageIds.put(i.image().name(), i.image().target().digest()));
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("Images", report.images().stream().map(i -> image(i, now)).toList());
    rows.put("Containers", report.containers().stream().map(c -> new TreeMap<>(ContainerRow.of(c.state(),
        ports.getOrDefault(c.state().id(), List.of()), imageIds, Output.size(c.size()), false, now))).toList());
    rows.put("Volumes", report.volumes().stream().map(DiskUsageRows::volume).toList());
    rows.put("BuildCache", report.buildCache().stream().map(i -> buildCache(i, now)).toList());
    return rows;
  }

  /**
   * The REPOSITORY and TAG of an image's first name, as Docker's df shows them: {@code <none>}
   * for a tag a name by digest alone lacks, and for both of a dangling image
   * ({@code moby-dangling@sha256:…}), which Docker's daemon gives no name.
   */
  static List<String> repositoryAndTag(DiskUsage.ImageUsage i) {
    String familiar = ImageNames.familiar(i.image().name());
    int at = familiar.indexOf('@');
    if (at >= 0 && familiar.substring(0, at).equals(ImageNames.DANGLING_REPOSITORY)) {
      return List.of("<none>", "<none>");
    }
    int colon = familiar.lastIndexOf(':');
    boolean tagged = colon > familiar.lastIndexOf('/') && at < 0;
    return List.of(at >= 0 ? familiar.substring(0, at) : tagged ? familiar.substring(0, colon) : familiar,
        tagged ? familiar.substring(colon + 1) : "<none>");
  }

  private static Map<String, Object> image(DiskUsage.ImageUsage i, Instant now) {
    List<String> repositoryAndTag = repositoryAndTag(i);
    Map<String, Object> row = new TreeMap<>();
    row.put("Containers", Integer.toString(i.containers()));
    // Docker's images carry whole seconds
    row.put("CreatedAt", Durations.goString(i.created().truncatedTo(ChronoUnit.SECONDS)));
    row.put("CreatedSince", Durations.ago(i.created(), now));
    // Docker's df gives its image rows no digest
    row.put("Digest", "");
    row.put("ID", i.image().target().digest());
    row.put("Repository", repositoryAndTag.get(0));
    row.put("SharedSize", Output.preciseSize(i.shared()));
    row.put("Size", Output.size(i.size()));
    row.put("Tag", repositoryAndTag.get(1));
    row.put("UniqueSize", Output.preciseSize(i.unique()));
    row.put("VirtualSize", Output.preciseSize(i.size()));
    return row;
  }

  /** {@code volume ls}'s row with what df counts: the containers using it and its files' size. */
  private static Map<String, Object> volume(DiskUsage.VolumeUsage v) {
    Map<String, Object> row = new TreeMap<>(VolumeCommand.templateRow(v.volume()));
    row.put("Links", Integer.toString(v.volume().getUsedByCount()));
    row.put("Size", Output.preciseSize(v.size()));
    return row;
  }

  /** An unfinished write as a build cache record: no type, parent or description, never shared or in use. */
  private static Map<String, Object> buildCache(DiskUsage.IngestUsage i, Instant now) {
    Map<String, Object> row = new TreeMap<>();
    row.put("CacheType", "");
    row.put("CreatedAt", Durations.goString(i.started()));
    row.put("CreatedSince", Durations.ago(i.started(), now));
    row.put("Description", "");
    row.put("ID", i.ref());
    row.put("InUse", "false");
    row.put("LastUsedAt", Durations.goString(i.updated()));
    row.put("LastUsedSince", Durations.ago(i.updated(), now));
    row.put("Parent", "");
    row.put("Shared", "false");
    row.put("Size", Output.size(i.size()));
    row.put("UsageCount", "0");
    return row;
  }
}
