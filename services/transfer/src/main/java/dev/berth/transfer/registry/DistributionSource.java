package dev.berth.transfer.registry;

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
 */
public final class DistributionSource {
  private static final String PREFIX = "containerd.io/distribution.source.";

  private DistributionSource() {}

  /** The key for {@code host} ({@code host[:port]}, an IPv6 address in brackets), as containerd writes it. */
  public static String key(String host) {
    return PREFIX + hostname(host);
  }

  /** The repositories of {@code host} that {@code labels} say hold the blob, under either key. */
  public static List<String> repositories(Map<String, String> labels, String host) {
    Set<String> known = new LinkedHashSet<>(split(labels.get(key(host))));
    known.addAll(split(labels.get(PREFIX + host)));
    return new ArrayList<>(known);
  }

  /** The value for {@link #key} that adds {@code repository} to what {@code labels} know of {@code host}. */
  public static String adding(Map<String, String> labels, String host, String repository) {
    List<String> known = repositories(labels, host);
    if (!known.contains(repository)) {
      known.add(repository);
    }
    return String.join(",", known);
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
