package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerState;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * The one place where a container named on the command line becomes the container the services
 * are asked about, as the client library resolves it ({@link ContainerClient#resolve}).
 */
public final class ContainerArgument {
  private ContainerArgument() {}

  /** The container {@code argument} names, or a "No such container" failure. */
  static Container resolve(Channel channel, String argument) {
    return new ContainerClient(channel).resolve(argument);
  }

  /**
   * The id of the container {@code argument} names. A berthd that serves no container records
   * (one service group alone, such as {@code berthd --service network}) takes ids as given.
   */
  public static String id(Channel channel, String argument) {
    return find(channel, argument).map(Container::getId).orElse(argument);
  }

  /** The record of the container {@code argument} names; empty from a berthd that serves no container records. */
  public static Optional<Container> find(Channel channel, String argument) {
    try {
      return Optional.of(resolve(channel, argument));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** A record's name: its name label, or its id for records other clients (ctr) made. */
  public static String name(Container c) {
    return ContainerState.name(c);
  }
}
