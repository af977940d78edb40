package dev.berth.client;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.Channels;
import dev.berth.client.images.ImageClient;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The entry point of the client library, in the spirit of containerd's Go client: one channel to
 * berthd (its front socket serves every API) and one namespace, from which the content and image
 * clients are made.
 */
public final class BerthClient implements AutoCloseable {
  private final ManagedChannel owned;
  private final Channel channel;

  private BerthClient(ManagedChannel owned, Channel channel, String namespace) {
    this.owned = owned;
    this.channel = Channels.inNamespace(channel, namespace);
  }

  /** Connects to berthd's socket; {@link #close()} closes the connection. */
  public static BerthClient connect(Path socket, String namespace) {
    ManagedChannel managed = Channels.unix(socket);
    return new BerthClient(managed, managed, namespace);
  }

  /** A client on a channel the caller owns (and closes). */
  public static BerthClient on(Channel channel, String namespace) {
    return new BerthClient(null, channel, namespace);
  }

  /** The channel whose calls carry this client's namespace, for the generated stubs. */
  public Channel channel() {
    return channel;
  }

  public Blobs content() {
    return Blobs.on(channel);
  }

  public ImageClient images() {
    return new ImageClient(channel);
  }

  @Override
  public void close() {
    if (owned == null) {
      return;
    }
    owned.shutdown();
    try {
      if (!owned.awaitTermination(2, TimeUnit.SECONDS)) {
        owned.shutdownNow();
      }
    } catch (InterruptedException e) {
      owned.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
