package dev.berth.client.containers;

import berth.events.v1.ContainerAttach;
import berth.events.v1.ContainerKill;
import berth.events.v1.ContainerRename;
import berth.events.v1.ContainerResourcesUpdate;
import berth.events.v1.ContainerRestart;
import berth.events.v1.ContainerStop;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.PublishRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.logging.Logger;

/**
 * Publishes the container events Docker's daemon reports and containerd's API has no event for
 * (berth.events.v1: kill with its signal, stop, restart, rename, resource update, attach), in the
 * channel's namespace. A lost event is logged, not thrown: the action it reports has happened.
 */
public final class ContainerActionEvents {
  private static final Logger LOG = Logger.getLogger(ContainerActionEvents.class.getName());

  private final EventsGrpc.EventsBlockingStub events;

  /** {@code channel} carries the namespace, which Events.Publish requires. */
  public ContainerActionEvents(Channel channel) {
    this.events = EventsGrpc.newBlockingStub(channel);
  }

  public void killed(String id, int signal) {
    publish("/containers/kill", ContainerKill.newBuilder().setId(id).setSignal(signal).build());
  }

  public void stopped(String id) {
    publish("/containers/stop", ContainerStop.newBuilder().setId(id).build());
  }

  public void restarted(String id) {
    publish("/containers/restart", ContainerRestart.newBuilder().setId(id).build());
  }

  public void renamed(String id, String oldName, String name) {
    publish("/containers/rename", ContainerRename.newBuilder().setId(id).setOldName(oldName).setName(name).build());
  }

  /** A client joined the container's stdio; before the start when it starts it, as Docker's run does. */
  public void attached(String id) {
    publish("/containers/attach", ContainerAttach.newBuilder().setId(id).build());
  }

  public void resourcesUpdated(String id) {
    publish("/containers/update-resources", ContainerResourcesUpdate.newBuilder().setId(id).build());
  }

  private void publish(String topic, Message event) {
    // containerd names an event's type by the message's full name alone
    Any packed = Any.newBuilder().setTypeUrl(event.getDescriptorForType().getFullName())
        .setValue(event.toByteString()).build();
    try {
      events.publish(PublishRequest.newBuilder().setTopic(topic).setEvent(packed).build());
    } catch (StatusRuntimeException e) {
      LOG.warning("event " + topic + " was not published: " + e.getStatus());
    }
  }
}
