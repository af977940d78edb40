package dev.berth.ctl.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The names renamed containers had before: Docker's daemon records each event with the name the
 * container had then, so replayed events before a {@code rename} carry the old name (and match a
 * {@code container=} filter by it), not the name looked up now.
 */
public final class ContainerNamesBefore {
  private record Rename(Instant time, String oldName) {}

  private final Map<String, List<Rename>> byId = new HashMap<>();

  /** A rename of container {@code id} from {@code oldName} at {@code time}; renames are given in time order. */
  public void renamed(String id, String oldName, Instant time) {
    byId.computeIfAbsent(id, k -> new ArrayList<>()).add(new Rename(time, oldName));
  }

  /** The name container {@code id} had at {@code time}, if a rename came after it (empty: the name it has now). */
  public Optional<String> at(String id, Instant time) {
    for (Rename r : byId.getOrDefault(id, List.of())) {
      if (r.time().isAfter(time)) {
        return Optional.of(r.oldName());
      }
    }
    return Optional.empty();
  }
}
