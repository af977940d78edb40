package dev.berth.client.containers;

import java.security.SecureRandom;
import java.util.List;

/** Names for containers created without {@code --name}: an adjective and a harbour word, like {@code calm_anchor}. */
final class NameGenerator {
  private static final List<String> ADJECTIVES = List.of("brisk", "calm", "bold", "bright", "clever", "eager",
      "gentle", "hardy", "jolly", "keen", "lucid", "merry", "nimble", "proud", "quiet", "rapid", "steady", "sturdy",
      "swift", "tidy", "vivid", "wise", "witty", "zesty");
  private static final List<String> NOUNS = List.of("anchor", "bollard", "buoy", "capstan", "cleat", "crane",
      "dock", "ferry", "gangway", "harbor", "hawser", "jetty", "keel", "lighthouse", "marina", "mooring", "pier",
      "quay", "rudder", "schooner", "skiff", "tug", "wharf", "windlass");
  private static final SecureRandom RANDOM = new SecureRandom();

  private NameGenerator() {}

  /** A random name; {@code attempt} above 0 adds a number, as docker does after a collision. */
  static String next(int attempt) {
    String name = ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "_" + NOUNS.get(RANDOM.nextInt(NOUNS.size()));
    return attempt == 0 ? name : name + attempt;
  }
}
