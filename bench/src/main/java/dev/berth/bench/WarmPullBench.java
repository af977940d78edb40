package dev.berth.bench;

import berth.transfer.v1.PullRequest;
import berth.transfer.v1.TransferGrpc;
import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import java.nio.file.Path;

/**
 * The Transfer API's Pull of an image every blob and snapshot of which is there already, as a
 * client that is running calls it (no berthctl start-up): {@code WarmPullBench SOCKET REFERENCE [N]}.
 */
public final class WarmPullBench {
  private WarmPullBench() {}

  public static void main(String[] args) throws Exception {
    ManagedChannel channel = Channels.unix(Path.of(args[0]));
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    try {
      TransferGrpc.TransferBlockingStub transfer = TransferGrpc.newBlockingStub(Channels.inNamespace(channel, "bench"));
      PullRequest request = PullRequest.newBuilder().setReference(args[1]).setUnpack(true).build();
      Samples warm = new Samples("Pull RPC, warm (everything present)");
      for (int i = 0; i < n + 5; i++) {
        long start = System.nanoTime();
        transfer.pull(request).forEachRemaining(p -> { });
        if (i >= 5) {
          warm.add(System.nanoTime() - start);
        }
      }
      warm.print();
    } finally {
      channel.shutdownNow();
    }
  }
}
