package dev.berth.cri;

import berth.network.v1.GetNetworkRequest;
import berth.network.v1.NetworksGrpc;
import com.google.protobuf.Empty;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.version.v1.VersionGrpc;
import dev.berth.api.grpc.Errors;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** {@link RuntimeState} from what berthd's services answer, asked each time (they may run in other processes). */
final class ApiRuntimeState implements RuntimeState {
  /** The network every pod joins unless told otherwise: the network service's default bridge. */
  static final String DEFAULT_NETWORK = "bridge";
  /** A readiness probe that hangs is an answer too: not ready. */
  private static final long PROBE_SECONDS = 5;

  private final Channel api;

  ApiRuntimeState(Channel api) {
    this.api = api;
  }

  @Override
  public String version() {
    try {
      return VersionGrpc.newBlockingStub(api).withDeadlineAfter(PROBE_SECONDS, TimeUnit.SECONDS)
          .version(Empty.getDefaultInstance()).getVersion();
    } catch (StatusRuntimeException e) {
      throw Errors.unavailable("berthd's Version API does not answer: %s", e.getStatus());
    }
  }

  @Override
  public Condition runtime() {
    try {
      TasksGrpc.newBlockingStub(api).withDeadlineAfter(PROBE_SECONDS, TimeUnit.SECONDS)
          .list(ListTasksRequest.getDefaultInstance());
      return Condition.READY;
    } catch (StatusRuntimeException e) {
      return Condition.notReady("ContainerRuntimeNotReady", "berthd's Tasks API does not answer: " + e.getStatus());
    }
  }

  @Override
  public Condition network() {
    try {
      NetworksGrpc.newBlockingStub(api).withDeadlineAfter(PROBE_SECONDS, TimeUnit.SECONDS)
          .get(GetNetworkRequest.newBuilder().setName(DEFAULT_NETWORK).build());
      return Condition.READY;
    } catch (StatusRuntimeException e) {
      return Condition.notReady("NetworkPluginNotReady",
          "berthd's network service cannot give the default network \"" + DEFAULT_NETWORK + "\": " + e.getStatus());
    }
  }
}
