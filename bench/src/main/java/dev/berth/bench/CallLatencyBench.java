package dev.berth.bench;

import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.version.v1.VersionGrpc;
import com.google.protobuf.Empty;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Round trips of small calls to one or more berthds, taken in turns so that every daemon sees the
 * same machine: what a call costs besides its work (thread hand-offs, framing). The medians are
 * of calls answered from memory or the store; a loaded machine moves them all alike. A pause
 * between calls, as a client such as ctr makes while it works, lets the daemon's threads park, so
 * that waking them is measured too.
 * {@code CallLatencyBench ROUNDS PAUSE_MILLIS SOCKET...}.
 */
public final class CallLatencyBench {
  private CallLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    long pause = Long.parseLong(args[1]);
    List<ManagedChannel> channels = new ArrayList<>();
    List<Samples[]> samples = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      channels.add(Channels.unix(Path.of(args[i])));
      samples.add(new Samples[] {new Samples(args[i] + " Version"), new Samples(args[i] + " Containers/Get"),
          new Samples(args[i] + " Tasks/Get")});
    }
    for (int r = 0; r < rounds + 200; r++) {
      for (int d = 0; d < channels.size(); d++) {
        Channel ns = Channels.inNamespace(channels.get(d), "bench");
        Samples[] s = samples.get(d);
        long version = timed(pause, () -> VersionGrpc.newBlockingStub(ns).version(Empty.getDefaultInstance()));
        long container = timed(pause, () -> notFound(() -> ContainersGrpc.newBlockingStub(ns)
            .get(GetContainerRequest.newBuilder().setId("absent").build())));
        long task = timed(pause, () -> notFound(() -> TasksGrpc.newBlockingStub(ns)
            .get(GetRequest.newBuilder().setContainerId("absent").build())));
        if (r >= 200) {
          s[0].add(version);
          s[1].add(container);
          s[2].add(task);
        }
      }
    }
    samples.forEach(s -> {
      for (Samples x : s) {
        x.print();
      }
    });
    channels.forEach(ManagedChannel::shutdownNow);
  }

  private static long timed(long pauseMillis, Runnable call) throws InterruptedException {
    Thread.sleep(pauseMillis);
    long start = System.nanoTime();
    call.run();
    return System.nanoTime() - start;
  }

  private static void notFound(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException expected) {
      // the answer's round trip is what is measured
    }
  }
}
