package dev.berth.transfer.registry;

import java.util.Arrays;
import java.util.List;

/**
 * The label containerd puts on pulled blobs naming the repositories of a registry that hold them
 * ({@code containerd.io/distribution.source.<host>=repo1,repo2}): a push to that registry can
 * then ask it to mount a blob from one of them instead of uploading it.
 */
public final class DistributionSource {
  private static final String PREFIX = "containerd.io/distribution.source.";

  private DistributionSource() {}

  public static String key(String host) {
    return PREFIX + host;
  }

  public static List<String> repositories(String labelValue) {
    return labelValue == null || labelValue.isEmpty() ? List.of() : Arrays.asList(labelValue.split(","));
  }

  /** The label value with {@code repository} added. */
  public static String adding(String labelValue, String repository) {
    List<String> known = repositories(labelValue);
    return known.contains(repository) ? labelValue
        : labelValue == null || labelValue.isEmpty() ? repository : labelValue + "," + repository;
  }
}
