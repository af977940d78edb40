package dev.berth.ctl.system;

import dev.berth.api.InvalidValueException;
import dev.berth.client.system.PruneFilter;
import dev.berth.ctl.DaemonError;
import java.time.Instant;
import java.util.List;

/**
 * The prune commands' {@code --filter}s, which Docker's CLI passes to its daemon unchecked: a
 * refused one is printed after Docker's daemon's prefix, as scripts matching Docker's line expect.
 */
public final class PruneFilters {
  private PruneFilters() {}

  public static PruneFilter parse(List<String> filters) {
    try {
      return PruneFilter.parse(filters, Instant.now());
    } catch (InvalidValueException e) {
      throw new DaemonError(e.getMessage(), e);
    }
  }
}
