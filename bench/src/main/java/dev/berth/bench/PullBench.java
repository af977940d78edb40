package dev.berth.bench;

import berth.transfer.v1.PullRequest;
import berth.transfer.v1.TransferGrpc;
import com.google.protobuf.Empty;
import containerd.services.version.v1.VersionGrpc;
import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import java.nio.file.Path;

/**
 * The Transfer API's Pull (layers unpacked) as a client that is already running calls it, without
 * berthctl's start-up: {@code PullBench SOCKET REFERENCE N WARMUPS LABEL} prints the median of N
 * pulls after WARMUPS unmeasured ones. The channel is connected first (a Version call), as a
 * running client's is: even with no warm-up pull, the figure is the pull's, not this JVM's first
 * call's (some 300 ms of connecting and loading classes on its own).
 */
public final class PullBench {
  private PullBench() {}

  public static void main(String[] args) throws Exception {
    ManagedChannel channel = Channels.unix(Path.of(args[0]));
    int n = Integer.parseInt(args[2]);
    int warmups = Integer.parseInt(args[3]);
    try {
      TransferGrpc.TransferBlockingStub transfer = TransferGrpc.newBlockingStub(Channels.inNamespace(channel, "bench"));
      PullRequest request = PullRequest.newBuilder().setReference(args[1]).setUnpack(true).build();
      VersionGrpc.newBlockingStub(channel).version(Empty.getDefaultInstance());
      Samples samples = new Samples(args[4]);
      for (int i = 0; i < n + warmups; i++) {
        long start = System.nanoTime();
        transfer.pull(request).forEachRemaining(p -> { });
        if (i >= warmups) {
          samples.add(System.nanoTime() - start);
        }
      }
      samples.print();
    } finally {
      channel.shutdownNow();
    }
  }
}
