package dev.berth.client.build;

import java.util.List;
import java.util.Map;

/**
 * What {@code docker build} is asked: the names to tag, the build args ({@code --build-arg}; a
 * null value: named without one and not in the caller's environment), labels for the image, the
 * stage to stop at (null: the last), the network RUN's containers join (bridge, none, host), and
 * whether to build without the cache (the steps made are cached all the same).
 */
public record BuildOptions(List<String> tags, Map<String, String> buildArgs, Map<String, String> labels,
    String target, String network, boolean noCache) {
  public BuildOptions {
    tags = List.copyOf(tags);
  }
}
