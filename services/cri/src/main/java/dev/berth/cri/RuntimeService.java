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
import dev.berth.cri.streaming.CriStreaming;
import io.grpc.stub.StreamObserver;
import runtime.v1.AttachRequest;
import runtime.v1.AttachResponse;
import runtime.v1.ExecRequest;
import runtime.v1.ExecResponse;
import runtime.v1.ExecSyncRequest;
import runtime.v1.ExecSyncResponse;
import runtime.v1.PortForwardRequest;
import runtime.v1.PortForwardResponse;
import com.google.protobuf.ByteString;

/**
 * The CRI's RuntimeService over {@link RuntimeState}: version, readiness and configuration so far.
 * Pods and containers are not served yet; their calls answer UNIMPLEMENTED.
 */
public final class RuntimeService extends RuntimeServiceGrpc.RuntimeServiceImplBase {
  static final String RUNTIME_NAME = "berth";
  /** The CRI version spoken. */
  static final String RUNTIME_API_VERSION = "v1";
  /** The kubelet-facing API version VersionResponse.version names; every CRI runtime answers this one. */
  static final String KUBELET_API_VERSION = "0.1.0";

  private final RuntimeState state;
  private final CriStreaming streaming;

  public RuntimeService(RuntimeState state, CriStreaming streaming) {
    this.state = state;
    this.streaming = streaming;
  }

  @Override
  public void version(VersionRequest request, StreamObserver<VersionResponse> responses) {
    responses.onNext(VersionResponse.newBuilder().setVersion(KUBELET_API_VERSION).setRuntimeName(RUNTIME_NAME)
        .setRuntimeVersion(state.version()).setRuntimeApiVersion(RUNTIME_API_VERSION).build());
    responses.onCompleted();
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
    StatusResponse.Builder response = StatusResponse.newBuilder().setStatus(RuntimeStatus.newBuilder()
        .addConditions(condition("RuntimeReady", state.runtime()))
        .addConditions(condition("NetworkReady", state.network())));
    if (request.getVerbose()) {
      response.putInfo("config", "{\"namespace\":\"" + CriServices.NAMESPACE + "\",\"snapshotter\":\""
          + ApiImages.SNAPSHOTTER + "\",\"cgroupDriver\":\"cgroupfs\"}");
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

  private static RuntimeCondition condition(String type, RuntimeState.Condition c) {
    return RuntimeCondition.newBuilder().setType(type).setStatus(c.ready()).setReason(c.reason())
        .setMessage(c.message()).build();
  }

  @Override
  public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> responses) {
    try {
      CriStreaming.Result r = streaming.execSync(request.getContainerId(), request.getCmdList(), request.getTimeout());
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
    responses.onNext(ExecResponse.newBuilder().setUrl(streaming.exec(request.getContainerId(), request.getCmdList(),
        request.getTty(), request.getStdin(), request.getStdout(), request.getStderr())).build());
    responses.onCompleted();
  }

  @Override
  public void attach(AttachRequest request, StreamObserver<AttachResponse> responses) {
    responses.onNext(AttachResponse.newBuilder().setUrl(streaming.attach(request.getContainerId(), request.getTty(),
        request.getStdin(), request.getStdout(), request.getStderr())).build());
    responses.onCompleted();
  }

  @Override
  public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> responses) {
    responses.onNext(PortForwardResponse.newBuilder()
        .setUrl(streaming.portForward(request.getPodSandboxId(), request.getPortList())).build());
    responses.onCompleted();
  }
}
