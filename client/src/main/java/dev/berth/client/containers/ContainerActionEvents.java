package dev.berth.client.containers;

import berth.events.v1.ContainerAttach;
import berth.events.v1.ContainerKill;
import berth.events.v1.ContainerRename;
import berth.events.v1.ContainerResourcesUpdate;
import berth.events.v1.ContainerRestart;
import berth.events.v1.ContainerStop;
import dev.berth.client.ClientEvents;
import io.grpc.Channel;

/**
 * Publishes the container events Docker's daemon reports and containerd's API has no event for
 * (berth.events.v1: kill with its signal, stop, restart, rename, resource update, attach), in the
 * channel's namespace. A lost event is logged, not thrown: the action it reports has happened.
 */
public final class ContainerActionEvents {
  private final ClientEvents events;

  /** {@code channel} carries the namespace, which Events.Publish requires. */
  public ContainerActionEvents(Channel channel) {
    this.events = new ClientEvents(channel);
  }

  public void killed(String id, int signal) {
    events.publish("/containers/kill", ContainerKill.newBuilder().setId(id).setSignal(signal).build());
  }

  public void stopped(String id) {
    events.publish("/containers/stop", ContainerStop.newBuilder().setId(id).build());
  }

  public void restarted(String id) {
    events.publish("/containers/restart", ContainerRestart.newBuilder().setId(id).build());
  }

  public void renamed(String id, String oldName, String name) {
    events.publish("/containers/rename",
        ContainerRename.newBuilder().setId(id).setOldName(oldName).setName(name).build());
  }

  /** A client joined the container's stdio; before the start when it starts it, as Docker's run does. */
  public void attached(String id) {
    events.publish("/containers/attach", ContainerAttach.newBuilder().setId(id).build());
  }

  public void resourcesUpdated(String id) {
    events.publish("/containers/update-resources", ContainerResourcesUpdate.newBuilder().setId(id).build());
  }
}
