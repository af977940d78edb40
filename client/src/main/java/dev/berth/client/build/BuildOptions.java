package dev.berth.client.build;

import java.util.List;
import java.util.Map;

/**
 * What {@code docker build} is asked: the names to tag, the build args ({@code --build-arg}; a
 * null value: named without one and not in the caller's environment), labels for the image, the
 * stage to stop at (null: the last), and the network RUN's containers join (bridge, none, host).
 */
public record BuildOptions(List<String> tags, Map<String, String> buildArgs, Map<String, String> labels,
    String target, String network) {
  public BuildOptions {
    tags = List.copyOf(tags);
  }
}
