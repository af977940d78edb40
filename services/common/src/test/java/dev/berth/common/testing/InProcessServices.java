package dev.berth.common.testing;

import dev.berth.api.grpc.Channels;
import dev.berth.common.grpc.ServiceInterceptors;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Services served in-process with the same interceptor chain as on a socket, for tests that
 * need no kernel: deterministic, no files, no ports.
 */
public final class InProcessServices implements AutoCloseable {
  private final Server server;
  private final ManagedChannel channel;

  private InProcessServices(Server server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
  }

  public static InProcessServices start(BindableService... services) throws IOException {
    String name = "berth-test-" + UUID.randomUUID();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    for (BindableService s : services) {
      builder.addService(ServiceInterceptors.wrap(s));
    }
    Server server = builder.build().start();
    return new InProcessServices(server, InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  /** The channel, sending no namespace header (the server then uses {@code default}). */
  public ManagedChannel channel() {
    return channel;
  }

  public Channel inNamespace(String namespace) {
    return Channels.inNamespace(channel, namespace);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
