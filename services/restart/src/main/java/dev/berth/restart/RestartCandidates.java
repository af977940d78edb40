package dev.berth.restart;

import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.grpc.Channels;
import dev.berth.api.labels.ContainerLabels;
import io.grpc.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The containers, in every namespace, that carry a restart policy or ask for auto-removal, and whose task has ended. */
final class RestartCandidates {
  private static final long DEADLINE_SECONDS = 30;

  private final Channel api;

  RestartCandidates(Channel api) {
    this.api = api;
  }

  /**
   * With {@code daemonStart}, also those that have no task at all (after a reboot, say) and those
   * whose task was created and never started (the berthd that would have started it was killed).
   */
  List<ContainerKey> find(boolean daemonStart) {
    List<ContainerKey> found = new ArrayList<>();
    List<Namespace> namespaces = NamespacesGrpc.newBlockingStub(api).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .list(ListNamespacesRequest.getDefaultInstance()).getNamespacesList();
    for (Namespace namespace : namespaces) {
      Channel ns = Channels.inNamespace(api, namespace.getName());
      List<Container> containers = ContainersGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .list(ListContainersRequest.newBuilder().addFilters("labels.\"" + ContainerLabels.RESTART_POLICY + "\"")
              .addFilters("labels.\"" + ContainerLabels.AUTO_REMOVE + "\"").build())
          .getContainersList();
      if (containers.isEmpty()) {
        continue;
      }
      Map<String, Process> tasks = TasksGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .list(ListTasksRequest.getDefaultInstance()).getTasksList().stream()
          .collect(Collectors.toMap(Process::getContainerId, Function.identity(), (a, b) -> a));
      for (Container c : containers) {
        Process task = tasks.get(c.getId());
        boolean candidate = task == null ? daemonStart
            : task.getStatus() == Status.STOPPED || daemonStart && task.getStatus() == Status.CREATED;
        if (candidate) {
          found.add(new ContainerKey(namespace.getName(), c.getId()));
        }
      }
    }
    return found;
  }
}
