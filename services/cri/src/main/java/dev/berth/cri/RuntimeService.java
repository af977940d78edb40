package dev.berth.cri;

import runtime.v1.CgroupDriver;
import runtime.v1.LinuxRuntimeConfiguration;
import runtime.v1.RuntimeCondition;
import runtime.v1.RuntimeConfigRequest;
import runtime.v1.RuntimeConfigResponse;
import runtime.v1.RuntimeServiceGrpc;
import runtime.v1.RuntimeStatus;
import runtime.v1.StatusRequest;
import runtime.v1.StatusResponse;
import runtime.v1.VersionRequest;
import runtime.v1.VersionResponse;
import dev.berth.api.grpc.Errors;
import io.grpc.stub.StreamObserver;
import dev.berth.cri.streaming.CriStreaming;
import runtime.v1.AttachRequest;
import runtime.v1.AttachResponse;
import runtime.v1.ExecRequest;
import runtime.v1.ExecResponse;
import runtime.v1.ExecSyncRequest;
import runtime.v1.ExecSyncResponse;
import runtime.v1.PortForwardRequest;
import runtime.v1.PortForwardResponse;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import runtime.v1.ContainerEventResponse;
import runtime.v1.ContainerFilter;
import runtime.v1.GetEventsRequest;
import runtime.v1.ContainerStats;
import runtime.v1.ContainerStatsFilter;
import runtime.v1.ContainerStatsRequest;
import runtime.v1.ContainerStatsResponse;
import runtime.v1.ListContainerStatsRequest;
import runtime.v1.ListContainerStatsResponse;
import runtime.v1.ListPodSandboxStatsRequest;
import runtime.v1.ListPodSandboxStatsResponse;
import runtime.v1.PodSandboxFilter;
import runtime.v1.PodSandboxStats;
import runtime.v1.PodSandboxStatsFilter;
import runtime.v1.PodSandboxStatsRequest;
import runtime.v1.PodSandboxStatsResponse;
import runtime.v1.ContainerStatusRequest;
import runtime.v1.ContainerStatusResponse;
import runtime.v1.CreateContainerRequest;
import runtime.v1.CreateContainerResponse;
import runtime.v1.ListContainersRequest;
import runtime.v1.ListContainersResponse;
import runtime.v1.ListPodSandboxRequest;
import runtime.v1.ListPodSandboxResponse;
import runtime.v1.PodSandboxStatusRequest;
import runtime.v1.PodSandboxStatusResponse;
import runtime.v1.RemoveContainerRequest;
import runtime.v1.ReopenContainerLogRequest;
import runtime.v1.ReopenContainerLogResponse;
import runtime.v1.RemoveContainerResponse;
import runtime.v1.RemovePodSandboxRequest;
import runtime.v1.RemovePodSandboxResponse;
import runtime.v1.RunPodSandboxRequest;
import runtime.v1.RunPodSandboxResponse;
import runtime.v1.StartContainerRequest;
import runtime.v1.StartContainerResponse;
import runtime.v1.StopContainerRequest;
import runtime.v1.StopContainerResponse;
import runtime.v1.StopPodSandboxRequest;
import runtime.v1.StopPodSandboxResponse;
import runtime.v1.UpdateContainerResourcesRequest;
import runtime.v1.UpdateContainerResourcesResponse;
import runtime.v1.UpdateRuntimeConfigRequest;
import runtime.v1.UpdateRuntimeConfigResponse;

/**
 * The CRI's RuntimeService: version, readiness and configuration over {@link RuntimeState}; pod
 * sandboxes over {@link PodSandboxes}; containers over {@link CriContainers}; ExecSync and the
 * streaming calls' URLs over {@link CriStreaming}.
 */
public final class RuntimeService extends RuntimeServiceGrpc.RuntimeServiceImplBase {
  static final String RUNTIME_NAME = "berth";
  /** The CRI version spoken. */
  static final String RUNTIME_API_VERSION = "v1";
  /** The kubelet-facing API version VersionResponse.version names; every CRI runtime answers this one. */
  static final String KUBELET_API_VERSION = "0.1.0";

  private final RuntimeState state;
  private final PodSandboxes sandboxes;
  private final CriContainers containers;
  private final ContainerSamples samples;
  private final PodNetworkSamples networkSamples;
  private final PodCgroupMemory podMemory;
  private final ContainerEvents events;
  private final CriStreaming streaming;
  private final PodCidrs podCidrs = new PodCidrs();

  RuntimeService(RuntimeState state, PodSandboxes sandboxes, CriContainers containers, ContainerSamples samples,
      PodNetworkSamples networkSamples, PodCgroupMemory podMemory, ContainerEvents events, CriStreaming streaming) {
    this.state = state;
    this.sandboxes = sandboxes;
    this.containers = containers;
    this.samples = samples;
    this.networkSamples = networkSamples;
    this.podMemory = podMemory;
    this.events = events;
    this.streaming = streaming;
  }

  @Override
  public void version(VersionRequest request, StreamObserver<VersionResponse> responses) {
    responses.onNext(VersionResponse.newBuilder().setVersion(KUBELET_API_VERSION).setRuntimeName(RUNTIME_NAME)
        .setRuntimeVersion(state.version()).setRuntimeApiVersion(RUNTIME_API_VERSION).build());
    responses.onCompleted();
  }

  /** With verbose, {@code info["config"]} also holds the pod CIDRs last given by UpdateRuntimeConfig. */
  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
    StatusResponse.Builder response = StatusResponse.newBuilder().setStatus(RuntimeStatus.newBuilder()
        .addConditions(condition("RuntimeReady", state.runtime()))
        .addConditions(condition("NetworkReady", state.network())));
    if (request.getVerbose()) {
      response.putInfo("config", "{\"namespace\":\"" + CriServices.NAMESPACE + "\",\"snapshotter\":\""
          + ApiImages.SNAPSHOTTER + "\",\"cgroupDriver\":\"cgroupfs\",\"podCIDRs\":["
          + podCidrs.current().stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(",")) + "]}");
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  /** cgroupfs: berthd writes cgroups itself (the hosts it runs on need not have systemd). */
  @Override
  public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> responses) {
    responses.onNext(RuntimeConfigResponse.newBuilder()
        .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(CgroupDriver.CGROUPFS)).build());
    responses.onCompleted();
  }

  /**
   * As containerd without a CNI config template: the pod CIDRs are checked and kept, nothing
   * else changes (pods get their addresses from the network service's default network).
   */
  @Override
  public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
      StreamObserver<UpdateRuntimeConfigResponse> responses) {
    podCidrs.update(request.getRuntimeConfig().getNetworkConfig().getPodCidr());
    answer(responses, UpdateRuntimeConfigResponse.getDefaultInstance());
  }

  @Override
  public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> responses) {
    if (!request.getRuntimeHandler().isEmpty()) {
      throw Errors.invalidArgument("runtime handler %s is not configured: berth has only the default one",
          request.getRuntimeHandler());
    }
    answer(responses, RunPodSandboxResponse.newBuilder().setPodSandboxId(sandboxes.run(request.getConfig())).build());
  }

  @Override
  public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> responses) {
    sandboxes.stop(request.getPodSandboxId());
    answer(responses, StopPodSandboxResponse.getDefaultInstance());
  }

  @Override
  public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> responses) {
    sandboxes.remove(request.getPodSandboxId());
    answer(responses, RemovePodSandboxResponse.getDefaultInstance());
  }

  /** With verbose, {@code info["info"]} holds what {@link SandboxInfo} tells of the pod, as JSON. */
  @Override
  public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> responses) {
    PodSandboxes.Sandbox sandbox = sandboxes.get(request.getPodSandboxId());
    var network = sandboxes.network(sandbox);
    PodSandboxStatusResponse.Builder response = PodSandboxStatusResponse.newBuilder()
        .setStatus(CriMessages.sandboxStatus(sandbox, network));
    if (request.getVerbose()) {
      response.putInfo("info", sandboxes.info(sandbox, network));
    }
    answer(responses, response.build());
  }

  @Override
  public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> responses) {
    ListPodSandboxResponse.Builder response = ListPodSandboxResponse.newBuilder();
    sandboxes.list(sandboxes.withWholeId(request.getFilter())).forEach(s -> response.addItems(CriMessages.sandbox(s)));
    answer(responses, response.build());
  }

  /** NOT_FOUND for an unknown pod, FAILED_PRECONDITION for a stopped one. */
  @Override
  public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> responses) {
    PodSandboxes.Sandbox sandbox = sandboxes.get(request.getPodSandboxId());
    if (!sandbox.notStopped()) {
      throw Errors.failedPrecondition("pod sandbox %s is not ready: a stopped pod takes no new containers",
          sandbox.id());
    }
    if (sandbox.gone()) {
      throw Errors.failedPrecondition("pod sandbox %s is not ready: its namespaces are gone (the node rebooted, or"
          + " the process holding its PID namespace was killed): stop and remove the pod", sandbox.id());
    }
    String id = containers.create(sandbox, sandboxes.namespacesOf(sandbox, CriContainers.pidMode(request.getConfig())),
        request.getConfig());
    answer(responses, CreateContainerResponse.newBuilder().setContainerId(id).build());
  }

  @Override
  public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> responses) {
    CriContainers.CriContainer c = containers.get(request.getContainerId());
    PodSandboxes.Sandbox sandbox = sandboxes.get(c.sandboxId());
    if (sandbox.ready()) {
      // before the start, which reads the record again
      containers.upgradeLegacyPidJoin(c, sandboxes.pidHolderLabel(sandbox));
    }
    containers.start(c, () -> sandboxes.get(c.sandboxId()).ready());
    answer(responses, StartContainerResponse.getDefaultInstance());
  }

  /** Timeout in seconds: the stop signal, then SIGKILL once it has passed (0: SIGKILL at once). */
  @Override
  public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> responses) {
    containers.stop(request.getContainerId(), Duration.ofSeconds(Math.max(0, request.getTimeout())));
    answer(responses, StopContainerResponse.getDefaultInstance());
  }

  @Override
  public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> responses) {
    containers.remove(request.getContainerId());
    answer(responses, RemoveContainerResponse.getDefaultInstance());
  }

  @Override
  public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> responses) {
    ListContainersResponse.Builder response = ListContainersResponse.newBuilder();
    containers.list(containers.withWholeIds(request.getFilter())).forEach(c -> response.addContainers(CriMessages.container(c)));
    answer(responses, response.build());
  }

  /** With verbose, {@code info["info"]} holds the pid, OCI spec, sandbox id and config as JSON. */
  @Override
  public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> responses) {
    CriContainers.CriContainer c = containers.get(request.getContainerId());
    ContainerStatusResponse.Builder response = ContainerStatusResponse.newBuilder()
        .setStatus(CriMessages.containerStatus(c, containers.statusImage(c)));
    if (request.getVerbose()) {
      response.putInfo("info", CriMessages.containerInfo(c));
    }
    answer(responses, response.build());
  }

  /** Live: a running container's cgroup gets the new limits at once. */
  @Override
  public void updateContainerResources(UpdateContainerResourcesRequest request,
      StreamObserver<UpdateContainerResourcesResponse> responses) {
    containers.update(request.getContainerId(), request.getLinux());
    answer(responses, UpdateContainerResourcesResponse.getDefaultInstance());
  }

  /**
   * UNKNOWN for a container without a running process, in containerd's words: it asks the tasks
   * service for that one task's metrics and gets none. The list answers such containers.
   */
  @Override
  public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> responses) {
    CriContainers.CriContainer c = containers.get(request.getContainerId());
    if (!c.state().running()) {
      throw io.grpc.Status.UNKNOWN.withDescription("unexpected metrics response: []").asRuntimeException();
    }
    answer(responses, ContainerStatsResponse.newBuilder().setStats(samples.of(c)).build());
  }

  @Override
  public void listContainerStats(ListContainerStatsRequest request,
      StreamObserver<ListContainerStatsResponse> responses) {
    ContainerStatsFilter f = request.getFilter();
    ListContainerStatsResponse.Builder response = ListContainerStatsResponse.newBuilder();
    containers.list(containers.withWholeIds(ContainerFilter.newBuilder().setId(f.getId())
        .setPodSandboxId(f.getPodSandboxId()).putAllLabelSelector(f.getLabelSelectorMap()).build())).forEach(c -> response.addStats(samples.of(c)));
    answer(responses, response.build());
  }

  /**
   * A pod's CPU and process count are the sums of its containers': no process of its own uses
   * any. Its memory is its cgroup's, as containerd reads it, else its containers' summed. Its
   * network figures are its namespace's interfaces' (none on the node's network).
   */
  @Override
  public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> responses) {
    PodSandboxes.Sandbox sandbox = sandboxes.get(request.getPodSandboxId());
    if (!sandbox.ready()) {
      // containerd's words and code: a stopped pod has no figures, only the kubelet's retry
      throw Errors.unavailable("failed to decode pod sandbox metrics %s: failed to get pod sandbox stats since "
          + "sandbox container \"%s\" is not in ready state: unavailable", sandbox.id(), sandbox.id());
    }
    answer(responses, PodSandboxStatsResponse.newBuilder().setStats(podStats(sandbox)).build());
  }

  /** Ready pods only, as containerd lists them. */
  @Override
  public void listPodSandboxStats(ListPodSandboxStatsRequest request,
      StreamObserver<ListPodSandboxStatsResponse> responses) {
    PodSandboxStatsFilter f = request.getFilter();
    ListPodSandboxStatsResponse.Builder response = ListPodSandboxStatsResponse.newBuilder();
    sandboxes.list(sandboxes.withWholeId(PodSandboxFilter.newBuilder().setId(f.getId())
        .putAllLabelSelector(f.getLabelSelectorMap()).build())).stream().filter(PodSandboxes.Sandbox::ready).forEach(s -> response.addStats(podStats(s)));
    answer(responses, response.build());
  }

  private PodSandboxStats podStats(PodSandboxes.Sandbox sandbox) {
    List<ContainerSamples.Sample> each = containers.list(ContainerFilter.newBuilder()
        .setPodSandboxId(sandbox.id()).build()).stream().map(samples::sample).toList();
    return CriMessages.podStats(sandbox, each, podMemory.of(sandbox.config().getLinux().getCgroupParent(),
        CriMessages.nanos(java.time.Instant.now())), networkSamples.of(sandbox));
  }

  /** A stream of CRI containers' lifecycle events, until the client goes away. */
  @Override
  public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> responses) {
    events.follow(responses);
  }

  @Override
  public void reopenContainerLog(ReopenContainerLogRequest request,
      StreamObserver<ReopenContainerLogResponse> responses) {
    containers.reopenLog(request.getContainerId());
    answer(responses, ReopenContainerLogResponse.getDefaultInstance());
  }

  private static <T> void answer(StreamObserver<T> responses, T response) {
    responses.onNext(response);
    responses.onCompleted();
  }

  private static RuntimeCondition condition(String type, RuntimeState.Condition c) {
    return RuntimeCondition.newBuilder().setType(type).setStatus(c.ready()).setReason(c.reason())
        .setMessage(c.message()).build();
  }

  /**
   * Exec, Attach and ExecSync take a container by a unique prefix of its id too, and
   * PortForward a pod, as containerd's CRI finds them; the streaming URL's token carries the
   * whole id.
   */
  @Override
  public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> responses) {
    String id = containers.wholeId(request.getContainerId());
    try {
      CriStreaming.Result r = streaming.execSync(id, request.getCmdList(), request.getTimeout());
      responses.onNext(ExecSyncResponse.newBuilder().setStdout(ByteString.copyFrom(r.stdout()))
          .setStderr(ByteString.copyFrom(r.stderr())).setExitCode(r.exitCode()).build());
      responses.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      responses.onError(io.grpc.Status.CANCELLED.withDescription("interrupted").asRuntimeException());
    }
  }

  @Override
  public void exec(ExecRequest request, StreamObserver<ExecResponse> responses) {
    String id = containers.wholeId(request.getContainerId());
    answer(responses, ExecResponse.newBuilder().setUrl(streaming.exec(id, request.getCmdList(), request.getTty(),
        request.getStdin(), request.getStdout(), request.getStderr())).build());
  }

  @Override
  public void attach(AttachRequest request, StreamObserver<AttachResponse> responses) {
    String id = containers.wholeId(request.getContainerId());
    answer(responses, AttachResponse.newBuilder().setUrl(streaming.attach(id, request.getTty(), request.getStdin(),
        request.getStdout(), request.getStderr())).build());
  }

  @Override
  public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> responses) {
    String id = sandboxes.wholeId(request.getPodSandboxId());
    answer(responses, PortForwardResponse.newBuilder().setUrl(streaming.portForward(id, request.getPortList())).build());
  }
}
