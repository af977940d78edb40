package dev.berth.client.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import dev.berth.api.InvalidValueException;
import dev.berth.client.spec.SpecJson;
import io.grpc.Channel;
import io.grpc.Status;
import java.util.Optional;

/**
 * Docker's {@code --pid container:NAME}: as Docker's daemon does, the container joins the other's
 * PID namespace each time it starts, the other then running. The namespace's path
 * (/proc/PID/ns/pid) holds only while that process lives, so it is written into the record's spec
 * at each start, before the task is made; a restart berthd's restart monitor makes uses the path
 * of the last start.
 */
public final class JoinedNamespaces {
  static final String PREFIX = "container:";

  private JoinedNamespaces() {}

  /** The NAME of {@code --pid container:NAME}, or empty for any other value. */
  static String donor(String value) {
    if (value == null || !value.startsWith(PREFIX)) {
      return "";
    }
    String name = value.substring(PREFIX.length());
    if (name.isEmpty()) {
      // Docker's daemon's words for its mode without a container
      throw new InvalidValueException("invalid PID mode: " + value);
    }
    return name;
  }

  /**
   * Points the container's spec at the PID namespace of the container its HostConfig names,
   * refusing in Docker's daemon's words (a FAILED_PRECONDITION status, which the start's callers
   * record and report as any refused start) one that is not there or not running.
   */
  public static void join(Channel channel, String id) {
    ContainersGrpc.ContainersBlockingStub containers = ContainersGrpc.newBlockingStub(channel);
    Container record = containers.get(GetContainerRequest.newBuilder().setId(id).build()).getContainer();
    JsonNode hostConfig = ContainerConfig.of(record).hostConfig();
    String pidMode = hostConfig.path("PidMode").asText("");
    if (!pidMode.startsWith(PREFIX)) {
      return;
    }
    ObjectNode spec = SpecJson.tree(record);
    ContainerState donor = running(channel, pidMode.substring(PREFIX.length()));
    namespace(spec, "pid", "/proc/" + donor.pid() + "/ns/pid");
    Container.Builder update = Container.newBuilder().setId(id)
        .setSpec(record.getSpec().toBuilder().setValue(ByteString.copyFrom(SpecJson.bytes(spec))));
    containers.update(UpdateContainerRequest.newBuilder().setContainer(update)
        .setUpdateMask(FieldMask.newBuilder().addPaths("spec")).build());
  }

  private static ContainerState running(Channel channel, String name) {
    Optional<Container> found = new ContainerClient(channel).lookup(name);
    if (found.isEmpty()) {
      throw refused("No such container: " + name);
    }
    ContainerState donor = ContainerState.of(channel, found.get());
    if (!donor.running()) {
      throw refused("container " + name + " is not running");
    }
    return donor;
  }

  private static void namespace(ObjectNode spec, String type, String path) {
    ArrayNode namespaces = spec.withObject("/linux").withArray("namespaces");
    for (JsonNode n : namespaces) {
      if (type.equals(n.path("type").asText())) {
        ((ObjectNode) n).put("path", path);
        return;
      }
    }
    namespaces.addObject().put("type", type).put("path", path);
  }

  private static RuntimeException refused(String why) {
    return Status.FAILED_PRECONDITION.withDescription(why).asRuntimeException();
  }
}
