package dev.berth.client;

import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.grpc.Channels;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerCreator;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.images.ImageClient;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The entry point of the client library, in the spirit of containerd's Go client: one channel to
 * berthd (its front socket serves every API) and one namespace, from which the content, image
 * and container clients are made.
 */
public final class BerthClient implements AutoCloseable {
  private final ManagedChannel owned;
  /** The channel as given, without the namespace header, for stores that name the namespace per call. */
  private final Channel plain;
  private final Channel channel;
  private final String namespace;

  private BerthClient(ManagedChannel owned, Channel channel, String namespace) {
    this.owned = owned;
    this.plain = channel;
    this.channel = Channels.inNamespace(channel, namespace);
    this.namespace = namespace;
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

  /** This client's namespace's blobs: written, read back checked, labelled. */
  public Blobs content() {
    return Blobs.on(channel);
  }

  /** The content store of every namespace, as the file store behind berthd answers it. */
  public ContentStore contentStore() {
    return new GrpcContentStore(plain);
  }

  public ImageClient images() {
    return new ImageClient(channel);
  }

  /** Container records: list, find, resolve a name as docker does. */
  public ContainerClient containers() {
    return new ContainerClient(channel);
  }

  /** Creates containers as {@code docker create} does; {@code clientEnv} is where {@code -e KEY} finds KEY's value. */
  public ContainerCreator containerCreator(Map<String, String> clientEnv) {
    return new ContainerCreator(channel, namespace, clientEnv);
  }

  /** Starts, stops, kills, restarts and removes containers. */
  public ContainerTasks containerTasks() {
    return new ContainerTasks(channel);
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
