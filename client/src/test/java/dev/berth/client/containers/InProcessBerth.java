package dev.berth.client.containers;

import dev.berth.api.grpc.Channels;
import dev.berth.common.grpc.ServiceInterceptors;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Services served in-process, wrapped as berthd wraps them (namespace header, error codes). */
final class InProcessBerth implements AutoCloseable {
  static final String NAMESPACE = "default";

  private final Server server;
  private final ManagedChannel channel;

  private InProcessBerth(Server server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
  }

  static InProcessBerth serving(BindableService... services) throws IOException {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    for (BindableService s : services) {
      builder.addService(ServiceInterceptors.wrap(s));
    }
    return new InProcessBerth(builder.build().start(), InProcessChannelBuilder.forName(name).build());
  }

  /** The channel a client of the namespace uses. */
  Channel channel() {
    return Channels.inNamespace(channel, NAMESPACE);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
