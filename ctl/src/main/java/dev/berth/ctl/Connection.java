package dev.berth.ctl;

import dev.berth.client.containers.ContainerClient;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The channel to berthd for one command, sending the chosen namespace on every call. */
public final class Connection implements AutoCloseable {
  private final ManagedChannel managed;
  private final Channel channel;

  private Connection(ManagedChannel managed, String namespace) {
    this.managed = managed;
    Channel traced = StartupTrace.enabled() ? ClientInterceptors.intercept(managed, new StartupTrace.FirstAnswer()) : managed;
    this.channel = Channels.inNamespace(traced, namespace);
    StartupTrace.mark("channel made");
  }

  /**
   * Opens a channel to the socket at {@code address}. A missing socket file means berthd is not
   * running; saying so here beats the transport's "No such file or directory".
   */
  static Connection open(Path address, String namespace) {
    if (!Files.exists(address)) {
      throw new DaemonUnreachableException(address, null);
    }
    return new Connection(Channels.unix(address), namespace);
  }

  /** The channel whose calls carry the namespace header. */
  public Channel channel() {
    return channel;
  }

  /** Container records in the namespace. */
  public ContainerClient containers() {
    return new ContainerClient(channel);
  }

  @Override
  public void close() {
    managed.shutdown();
    try {
      if (!managed.awaitTermination(2, TimeUnit.SECONDS)) {
        managed.shutdownNow();
      }
    } catch (InterruptedException e) {
      managed.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
