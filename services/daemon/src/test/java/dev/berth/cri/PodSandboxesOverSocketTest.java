package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.Channels;
import dev.berth.daemon.TestBerthd;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.ContainerEventResponse;
import runtime.v1.ContainerEventType;
import runtime.v1.LinuxPodSandboxConfig;
import runtime.v1.LinuxSandboxSecurityContext;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxMetadata;
import runtime.v1.PodSandboxState;

/**
 * The CRI's pods as {@link PodSandboxes} keeps them, over a real berthd's APIs, with hooks the
 * CRI's gRPC surface has no room for: a look at the pod between any two of its stop's calls, and
 * GetContainerEvents subscribers that fail.
 */
class PodSandboxesOverSocketTest {
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir Path state;
  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = Channels.unix(berthd.socket());
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  private PodSandboxes sandboxes(Channel api) {
    Channel cri = Channels.inNamespace(api, CriServices.NAMESPACE);
    ApiImages images = new ApiImages(cri);
    return new PodSandboxes(cri, new PodNamespaces(state.resolve("pods")),
        new CriContainers(cri, images, new ExitRecords(cri)), NodeBoot.current());
  }

  /** A pod on the node's network and IPC namespaces: only its PID namespace, shared or not, is its own. */
  private static PodSandboxConfig pod(String name, NamespaceMode pid) {
    return PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName(name)
        .setNamespace("default").setUid(UUID.randomUUID().toString()))
        .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
            .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)
                .setIpc(NamespaceMode.NODE).setPid(pid)))).build();
  }

  /**
   * Once a pod's PID namespace holder is gone, anyone reading the pod (a holder end seen at that
   * moment, a ListPodSandbox) finds it NOTREADY: its state is written before the kill. Looked at
   * before every call StopPodSandbox and RemovePodSandbox make once the holder is gone (the state
   * write was one of them), by a second reader of the same state.
   */
  @Test
  void aPodWhoseHolderIsGoneNeverReadsReadyAndItsStopIsToldNotReady() throws Exception {
    List<String> seenReady = new CopyOnWriteArrayList<>();
    List<String> looked = new CopyOnWriteArrayList<>();
    PodSandboxes reader = sandboxes(channel);
    String[] watched = new String[1];
    long[] holder = new long[1];
    ClientInterceptor lookFirst = new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        if (watched[0] != null && !ProcessHandle.of(holder[0]).map(ProcessHandle::isAlive).orElse(false)) {
          reader.find(watched[0]).filter(PodSandboxes.Sandbox::ready)
              .ifPresent(s -> seenReady.add(watched[0] + " before " + method.getFullMethodName()));
          looked.add(method.getFullMethodName());
        }
        return next.newCall(method, options);
      }
    };
    PodSandboxes sandboxes = sandboxes(ClientInterceptors.intercept(channel, lookFirst));
    List<ContainerEventResponse> told = new CopyOnWriteArrayList<>();
    sandboxes.whenPodEvent(told::add);

    for (boolean removedWithoutStop : List.of(false, true)) {
      String id = sandboxes.run(pod("stop-order-" + removedWithoutStop, NamespaceMode.POD));
      try {
        holder[0] = new PodNamespaces(state.resolve("pods")).holderPid(id).orElseThrow();
        watched[0] = id;
        if (removedWithoutStop) {
          sandboxes.remove(id);
        } else {
          sandboxes.stop(id);
          assertFalse(sandboxes.get(id).ready());
        }
        assertFalse(ProcessHandle.of(holder[0]).map(ProcessHandle::isAlive).orElse(false), "the holder was killed");
        assertEquals(List.of(), seenReady, "read READY with its holder gone (calls looked before: " + looked + ")");
        List<ContainerEventResponse> stops = told.stream().filter(e -> e.getContainerId().equals(id)
            && e.getContainerEventType() == ContainerEventType.CONTAINER_STOPPED_EVENT).toList();
        assertEquals(1, stops.size(), told.toString());
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, stops.get(0).getPodSandboxStatus().getState(), stops.toString());
      } finally {
        watched[0] = null;
        sandboxes.remove(id);
      }
    }
  }

  /** A subscriber that fails as it is told (it went away meanwhile) neither fails the call nor keeps the event from others. */
  @Test
  void aFailingSubscriberKeepsNoPodEventFromTheOthers() {
    PodSandboxes sandboxes = sandboxes(channel);
    sandboxes.whenPodEvent(e -> {
      throw new RejectedExecutionException("the subscriber's worker was shut down");
    });
    List<ContainerEventResponse> told = new CopyOnWriteArrayList<>();
    sandboxes.whenPodEvent(told::add);

    String id = sandboxes.run(pod("failing-subscriber", NamespaceMode.NODE));
    try {
      assertEquals(List.of(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT),
          told.stream().filter(e -> e.getContainerId().equals(id)).map(ContainerEventResponse::getContainerEventType)
              .toList());
      assertTrue(sandboxes.get(id).ready());
    } finally {
      sandboxes.remove(id);
    }
  }
}
