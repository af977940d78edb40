package dev.berth.volumes;

import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.ListContainersRequest;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.LabelLists;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Which containers use which volumes, read from the container records through the Containers
 * API: a record names its volumes in the label {@link ContainerLabels#VOLUMES}.
 */
final class VolumeUsers {
  private static final long DEADLINE_SECONDS = 30;

  private final Channel api;

  VolumeUsers(Channel api) {
    this.api = api;
  }

  /** Volume name to the ids of the namespace's containers naming it, in id order. */
  Map<String, List<String>> byVolume(String namespace) {
    List<Container> containers;
    try {
      containers = ContainersGrpc.newBlockingStub(Channels.inNamespace(api, namespace))
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .list(ListContainersRequest.newBuilder().addFilters("labels.\"" + ContainerLabels.VOLUMES + "\"").build())
          .getContainersList();
    } catch (StatusRuntimeException e) {
      throw Errors.unavailable("cannot tell which containers use volumes in namespace %s: %s", namespace, e.getStatus());
    }
    Map<String, List<String>> users = new TreeMap<>();
    for (Container c : containers) {
      for (String name : LabelLists.split(c.getLabelsMap().get(ContainerLabels.VOLUMES))) {
        if (!name.isEmpty()) {
          List<String> ids = users.computeIfAbsent(name, n -> new ArrayList<>());
          if (!ids.contains(c.getId())) {
            ids.add(c.getId());
          }
        }
      }
    }
    users.values().forEach(ids -> ids.sort(null));
    return users;
  }
}
