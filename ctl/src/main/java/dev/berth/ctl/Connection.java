package dev.berth.ctl;

import dev.berth.client.containers.ContainerClient;
import dev.berth.api.grpc.Channels;
import dev.berth.ctl.transport.UnixGrpcChannel;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** The channel to berthd for one command, sending the chosen namespace on every call. */
public final class Connection implements AutoCloseable {
  /** The channel {@link #openAhead} is opening, until a command takes it. */
  private static final AtomicReference<Ahead> AHEAD = new AtomicReference<>();

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
   * running; saying so here beats the transport's "No such file or directory". The channel
   * {@link #openAhead} opened to the same socket serves the first command that asks.
   */
  static Connection open(Path address, String namespace) {
    if (!Files.exists(address)) {
      throw new DaemonUnreachableException(address, null);
    }
    Ahead ahead = AHEAD.getAndSet(null);
    if (ahead != null) {
      ManagedChannel early = ahead.take();
      if (early != null && ahead.address().equals(address)) {
        return new Connection(early, namespace);
      }
      if (early != null) {
        early.shutdownNow();
      }
    }
    return new Connection(UnixGrpcChannel.to(address), namespace);
  }

  /**
   * Starts opening a channel to {@code address} on a thread of its own, connection and HTTP/2
   * preface included, while the main thread parses the command line: the second core is free.
   */
  static void openAhead(Path address) {
    if (!Files.exists(address)) {
      return;
    }
    FutureTask<ManagedChannel> opening = new FutureTask<>(() -> {
      UnixGrpcChannel channel = UnixGrpcChannel.to(address);
      channel.connect();
      return channel;
    });
    Thread thread = new Thread(opening, "berthctl-connect");
    thread.setDaemon(true);
    thread.start();
    AHEAD.set(new Ahead(address, opening));
  }

  /** A channel being opened ahead to {@code address}. */
  private record Ahead(Path address, FutureTask<ManagedChannel> opening) {
    /** The channel, or null if opening it failed (the caller then opens one itself). */
    ManagedChannel take() {
      try {
        return opening.get();
      } catch (ExecutionException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
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
