package dev.berth.daemon;

import dev.berth.gc.GcSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where berthd keeps things: {@code root} for durable data (blobs, snapshots, the metadata
 * database), {@code state} for sockets and runtime files; {@code socketGroup} owns the sockets;
 * {@code networkNamespace} is where bridges, NAT rules and published ports live (null: berthd's own);
 * {@code ingestExpiry} is how long garbage collection leaves an untouched ingest.
 */
public record DaemonConfig(Path root, Path state, String socketGroup, Path networkNamespace, Duration ingestExpiry) {
  public DaemonConfig(Path root, Path state, String socketGroup, Path networkNamespace) {
    this(root, state, socketGroup, networkNamespace, GcSettings.DEFAULT_INGEST_EXPIRY);
  }

  public DaemonConfig(Path root, Path state, String socketGroup) {
    this(root, state, socketGroup, null);
  }

  public Path metadataDatabase() {
    return root.resolve("metadata.db");
  }

  public Path socket(String name) {
    return state.resolve(name + ".sock");
  }

  /** The socket that serves every API, for clients that dial one address. */
  public Path frontSocket() {
    return state.resolve("berth.sock");
  }
}
