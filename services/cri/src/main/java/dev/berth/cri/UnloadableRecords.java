package dev.berth.cri;

import com.google.protobuf.Message;
import containerd.services.containers.v1.Container;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Records labelled as the CRI's that hold no readable CRI config, such as one made by hand
 * ({@code ctr -n k8s.io c create --label io.berth.cri.kind=sandbox IMAGE fakepod}): the listings
 * leave them out, as containerd's CRI leaves out what it cannot load, rather than failing for
 * every pod or container. Each is logged once per berthd run, not at every listing.
 */
final class UnloadableRecords {
  private static final Logger LOG = Logger.getLogger(UnloadableRecords.class.getName());

  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  /** Whether {@code record} holds a readable config of {@code type}; if not, logs it the first time. */
  boolean loads(Container record, Class<? extends Message> type) {
    try {
      CriRecords.config(record, type);
      return true;
    } catch (RuntimeException e) {
      if (logged.add(record.getId())) {
        LOG.warning("record " + record.getId() + " is labelled " + CriRecords.KIND + "="
            + record.getLabelsMap().get(CriRecords.KIND) + " but cannot be loaded (" + e.getMessage()
            + "); the CRI's listings leave it out (not logged again until berthd restarts)");
      }
      return false;
    }
  }
}
