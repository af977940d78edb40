package dev.berth.daemon;

import java.nio.file.Path;

/**
 * Where berthd keeps things: {@code root} for durable data (blobs, snapshots, the metadata
 * database), {@code state} for sockets and runtime files; {@code socketGroup} owns the sockets;
 * {@code networkNamespace} is where bridges, NAT rules and published ports live (null: berthd's own).
 */
public record DaemonConfig(Path root, Path state, String socketGroup, Path networkNamespace) {
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
