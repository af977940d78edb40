package dev.berth.cri.streaming;

import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.GetAttachmentRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.Errors;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerState;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CRI ids as Berth knows them: a CRI container is the Berth container of the same id (namespace
 * k8s.io) with a running task, and a pod sandbox's network namespace is the network service's
 * attachment under the sandbox id.
 */
final class RunningContainers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Channel api;
  private final ContainerClient containers;
  private final EndedTasks endedTasks;

  /** A container whose task runs, with the process settings of its spec. */
  record Running(String id, ObjectNode process) {}

  RunningContainers(Channel api, EndedTasks endedTasks) {
    this.api = api;
    this.containers = new ContainerClient(api);
    this.endedTasks = endedTasks;
  }

  /** NOT_FOUND for an unknown id; FAILED_PRECONDITION when its task does not run. */
  Running running(String id) {
    if (id.isEmpty()) {
      throw Errors.invalidArgument("container_id is required");
    }
    Container record = containers.find(id)
        .orElseThrow(() -> Errors.notFound("failed to find container \"%s\" in store: not found", id));
    ContainerState state = new ContainerState(record,
        ContainerState.task(api, id).or(() -> endedTasks.of(record)));
    if (!state.running() || state.paused()) {
      throw Errors.failedPrecondition("container %s is not running (%s)", id, state.status());
    }
    return new Running(id, process(record));
  }

  /** The network namespace of sandbox {@code id}: NOT_FOUND when it has none. */
  Path netns(String id) {
    if (id.isEmpty()) {
      throw Errors.invalidArgument("pod_sandbox_id is required");
    }
    try {
      String path = AttachmentsGrpc.newBlockingStub(api)
          .get(GetAttachmentRequest.newBuilder().setContainerId(id).build()).getAttachment().getNetnsPath();
      return Optional.of(path).filter(p -> !p.isEmpty()).map(Path::of)
          .orElseThrow(() -> Errors.failedPrecondition("pod sandbox %s has no network namespace", id));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw Errors.notFound("pod sandbox %s not found: it has no network attachment", id);
      }
      throw e;
    }
  }

  private static ObjectNode process(Container record) {
    try {
      JsonNode process = JSON.readTree(record.getSpec().getValue().toByteArray()).path("process");
      if (!(process instanceof ObjectNode p)) {
        throw Errors.failedPrecondition("the spec of container %s has no process", record.getId());
      }
      return p;
    } catch (IOException e) {
      throw Errors.failedPrecondition("the spec of container %s is not JSON: %s", record.getId(), e.getMessage());
    }
  }
}
