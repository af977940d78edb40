package dev.berth.bench;

import berth.network.v1.AttachRequest;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.DetachRequest;
import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import java.nio.file.Path;

/**
 * Attach and detach latency at the Attachments API, each attach on the default bridge with one
 * published port (host port chosen by berthd): {@code NetworkAttachBench SOCKET [CYCLES]}.
 */
public final class NetworkAttachBench {
  private NetworkAttachBench() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    ManagedChannel channel = Channels.unix(socket);
    try {
      AttachmentsGrpc.AttachmentsBlockingStub attachments =
          AttachmentsGrpc.newBlockingStub(Channels.inNamespace(channel, "bench"));
      Samples attach = new Samples("attach (bridge, 1 port)");
      Samples detach = new Samples("detach");
      for (int i = 0; i < cycles + 10; i++) {
        String id = "bench-" + i;
        long t0 = System.nanoTime();
        attachments.attach(AttachRequest.newBuilder().setContainerId(id).addPortSpecs("0:80").build());
        long t1 = System.nanoTime();
        attachments.detach(DetachRequest.newBuilder().setContainerId(id).build());
        long t2 = System.nanoTime();
        if (i >= 10) {
          attach.add(t1 - t0);
          detach.add(t2 - t1);
        }
      }
      attach.print();
      detach.print();
    } finally {
      channel.shutdownNow();
    }
  }
}
