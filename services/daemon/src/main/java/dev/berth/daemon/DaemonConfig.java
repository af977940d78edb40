package dev.berth.daemon;

import dev.berth.gc.GcSettings;
import dev.berth.transfer.RegistryTransfers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where berthd keeps things: {@code root} for durable data (blobs, snapshots, the metadata
 * database), {@code state} for sockets and runtime files; {@code socketGroup} owns the sockets;
 * {@code networkNamespace} is where bridges, NAT rules and published ports live (null: berthd's own);
 * {@code ingestExpiry} is how long garbage collection leaves an untouched ingest; {@code registryConfig}
 * holds a directory per registry host with its CA certificates and hosts.toml (mirrors);
 * {@code criStreaming} is where the CRI's streaming server (exec, attach, port-forward) listens.
 */
public record DaemonConfig(Path root, Path state, String socketGroup, Path networkNamespace, Duration ingestExpiry,
    Path registryConfig, InetSocketAddress criStreaming) {
  /** 127.0.0.1 on a free port, as containerd's CRI plugin listens by default. */
  public static final InetSocketAddress DEFAULT_CRI_STREAMING =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  public DaemonConfig(Path root, Path state, String socketGroup, Path networkNamespace, Duration ingestExpiry) {
    this(root, state, socketGroup, networkNamespace, ingestExpiry, RegistryTransfers.DEFAULT_CERTS_DIR,
        DEFAULT_CRI_STREAMING);
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
