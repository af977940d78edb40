package dev.berth.ctl;

import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerClient;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;

/**
 * The one place where a container named on the command line becomes the container the services
 * are asked about. As docker does, an argument is a full id, else a name, else a unique prefix of
 * an id; a leading '/' of a name is ignored ({@code /web} is {@code web}).
 */
final class ContainerArgument {
  /** The characters of container ids and names; anything else names no container. */
  private static final String NAME_CHARACTERS = "[A-Za-z0-9][A-Za-z0-9_.-]*";

  private ContainerArgument() {}

  /** The container {@code argument} names, or a "No such container" failure. */
  static Container resolve(Channel channel, String argument) {
    String name = argument.startsWith("/") ? argument.substring(1) : argument;
    if (!name.matches(NAME_CHARACTERS)) {
      throw noSuchContainer(argument);
    }
    List<Container> found = new ContainerClient(channel).list("id==\"" + name + "\"",
        "labels.\"" + ContainerLabels.NAME + "\"==\"" + name + "\"", "id~=\"^" + name.replace(".", "\\\\.") + "\"");
    for (Container c : found) {
      if (c.getId().equals(name)) {
        return c;
      }
    }
    for (Container c : found) {
      if (name.equals(c.getLabelsMap().get(ContainerLabels.NAME))) {
        return c;
      }
    }
    if (found.size() > 1) {
      throw new CommandFailure("multiple containers have an id starting with " + name + ": give more of it");
    }
    if (found.isEmpty()) {
      throw noSuchContainer(argument);
    }
    return found.get(0);
  }

  /**
   * The id of the container {@code argument} names. A berthd that serves no container records
   * (one service group alone, such as {@code berthd --service network}) takes ids as given.
   */
  static String id(Channel channel, String argument) {
    try {
      return resolve(channel, argument).getId();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return argument;
      }
      throw e;
    }
  }

  /** A record's name: its name label, or its id for records other clients (ctr) made. */
  static String name(Container c) {
    String name = c.getLabelsMap().get(ContainerLabels.NAME);
    return name == null || name.isEmpty() ? c.getId() : name;
  }

  static CommandFailure noSuchContainer(String argument) {
    return new CommandFailure("No such container: " + argument);
  }
}
