package dev.berth.daemon;

import dev.berth.gc.GcSettings;
import dev.berth.transfer.RegistryTransfers;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where berthd keeps things: {@code root} for durable data (blobs, snapshots, the metadata
 * database), {@code state} for sockets and runtime files; {@code socketGroup} owns the sockets;
 * {@code networkNamespace} is where bridges, NAT rules and published ports live (null: berthd's own);
 * {@code ingestExpiry} is how long garbage collection leaves an untouched ingest; {@code registryConfig}
 * holds a directory per registry host with its CA certificates and hosts.toml (mirrors).
 */
public record DaemonConfig(Path root, Path state, String socketGroup, Path networkNamespace, Duration ingestExpiry,
    Path registryConfig) {
  public DaemonConfig(Path root, Path state, String socketGroup, Path networkNamespace, Duration ingestExpiry) {
    this(root, state, socketGroup, networkNamespace, ingestExpiry, RegistryTransfers.DEFAULT_CERTS_DIR);
  }

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
