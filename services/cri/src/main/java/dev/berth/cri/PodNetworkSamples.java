package dev.berth.cri;

import berth.network.v1.AttachmentStatsRequest;
import berth.network.v1.AttachmentStatsResponse;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.InterfaceStats;
import dev.berth.api.grpc.ProtoTimes;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import runtime.v1.NetworkInterfaceUsage;
import runtime.v1.NetworkUsage;
import runtime.v1.UInt64Value;

/**
 * A pod's network figures as containerd's CRI reports them: the counters of its interfaces, with
 * eth0 the default one. The network service holds the pod's namespace (its attachment under the
 * pod's id) and reads them there, since it may run in another network namespace than berthd. A
 * pod on the node's network has none, as with containerd; nor has a stopped pod.
 */
final class PodNetworkSamples {
  private static final String DEFAULT_INTERFACE = "eth0";

  private final Channel api;

  PodNetworkSamples(Channel api) {
    this.api = api;
  }

  Optional<NetworkUsage> of(PodSandboxes.Sandbox sandbox) {
    if (sandbox.hostNetwork() || !sandbox.ready()) {
      return Optional.empty();
    }
    AttachmentStatsResponse stats;
    try {
      stats = AttachmentsGrpc.newBlockingStub(api).stats(AttachmentStatsRequest.newBuilder()
          .setContainerId(sandbox.id()).build());
    } catch (StatusRuntimeException e) {
      // stopped since its record was read
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    NetworkUsage.Builder usage = NetworkUsage.newBuilder()
        .setTimestamp(CriMessages.nanos(ProtoTimes.toInstant(stats.getTimestamp())));
    stats.getInterfacesList().forEach(i -> usage.addInterfaces(usage(i)));
    // the kubelet reads the default interface unguarded: containerd answers zeros when eth0 is missing
    usage.setDefaultInterface(stats.getInterfacesList().stream().filter(i -> i.getName().equals(DEFAULT_INTERFACE))
        .findFirst().map(PodNetworkSamples::usage)
        .orElse(usage(InterfaceStats.newBuilder().setName(DEFAULT_INTERFACE).build())));
    return Optional.of(usage.build());
  }

  private static NetworkInterfaceUsage usage(InterfaceStats i) {
    return NetworkInterfaceUsage.newBuilder().setName(i.getName()).setRxBytes(value(i.getRxBytes()))
        .setRxErrors(value(i.getRxErrors())).setTxBytes(value(i.getTxBytes())).setTxErrors(value(i.getTxErrors()))
        .build();
  }

  private static UInt64Value value(long v) {
    return UInt64Value.newBuilder().setValue(v).build();
  }
}
