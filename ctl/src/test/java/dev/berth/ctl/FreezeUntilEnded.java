package dev.berth.ctl;

import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.GetContainerRequest;
import dev.berth.api.grpc.Channels;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.FrozenContainer;
import io.grpc.Channel;
import java.nio.file.Path;

/**
 * A JVM of its own that freezes a container as cp does and waits to be ended by a signal, so that a
 * test can check that the container is thawed when SIGTERM ends a copy. Arguments: berthd's
 * socket, the container's id. Prints "frozen" once it is.
 */
public final class FreezeUntilEnded {
  private FreezeUntilEnded() {}

  public static void main(String[] args) throws InterruptedException {
    Channel channel = Channels.inNamespace(Channels.unix(Path.of(args[0])), BerthCtl.DEFAULT_NAMESPACE);
    ContainerState s = ContainerState.of(channel, ContainersGrpc.newBlockingStub(channel)
        .get(GetContainerRequest.newBuilder().setId(args[1]).build()).getContainer());
    FrozenContainer.of(channel, s);
    System.out.println("frozen");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
