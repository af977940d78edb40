package dev.berth.transfer.registry;

import dev.berth.common.store.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label containerd puts on pulled blobs naming the repositories of a registry that hold them
 * ({@code containerd.io/distribution.source.<host>=repo1,repo2}): a push to that registry can
 * then ask it to mount a blob from one of them instead of uploading it. containerd names the host
 * without its port (Go's {@code url.Hostname()}), so Berth writes the key that way too, sharing it
 * with {@code ctr}'s pulls and pushes, and still reads the key with the port that Berth wrote before.
 *
 * @param host the registry's {@code host[:port]}, an IPv6 address in brackets
 * @param repository the repository on it that a pull or push found the blob in
 */
public record DistributionSource(String host, String repository) {
  private static final String PREFIX = "containerd.io/distribution.source.";

  /** The key for {@code host}, as containerd writes it. */
  public static String key(String host) {
    return PREFIX + hostname(host);
  }

  /** The repositories of {@code host} that {@code labels} say hold the blob, under either key. */
  public static List<String> repositories(Map<String, String> labels, String host) {
    Set<String> known = new LinkedHashSet<>(split(labels.get(key(host))));
    known.addAll(split(labels.get(PREFIX + host)));
    return new ArrayList<>(known);
  }

  /**
   * The label to set on a blob that has {@code labels} so that it also names this repository,
   * appended to those already named as containerd's pull and push do; none when the list would
   * outgrow a label (containerd skips it too), the blob keeping the repositories it names.
   */
  public Map<String, String> labelOver(Map<String, String> labels) {
    List<String> known = repositories(labels, host);
    if (!known.contains(repository)) {
      known.add(repository);
    }
    String key = key(host);
    String value = String.join(",", known);
    return key.length() + value.length() > Labels.MAX_LABEL_BYTES ? Map.of() : Map.of(key, value);
  }

  private static List<String> split(String labelValue) {
    return labelValue == null || labelValue.isEmpty() ? List.of() : Arrays.asList(labelValue.split(","));
  }

  /** {@code host} without its port and an IPv6 address without its brackets, as Go's url.Hostname(). */
  private static String hostname(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0 ? host.substring(1, end) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon >= 0 ? host.substring(0, colon) : host;
  }
}
