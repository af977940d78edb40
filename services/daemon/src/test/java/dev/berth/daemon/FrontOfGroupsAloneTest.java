package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.ListImagesRequest;
import containerd.services.version.v1.VersionGrpc;
import com.google.protobuf.Empty;
import dev.berth.api.Digests;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front socket ({@code berthd --service front}) of groups running in other processes: ctr and
 * berthctl dial {@code STATE/berth.sock} as with the all-in-one daemon, each call reaches the group
 * serving it, and a group that is down is named in the error.
 */
class FrontOfGroupsAloneTest {
  private static final int CHUNK = 1 << 20;
  @TempDir Path dir;

  @Test
  void frontForwardsEachCallToItsGroupAndNamesAGroupThatIsDown() throws Exception {
    try (TestNetns netns = TestNetns.create("berth-front")) {
      DaemonConfig config = new DaemonConfig(dir.resolve("root"), dir.resolve("run"), null, netns.path());
      List<String> others = ServiceGroups.NAMES.stream().filter(g -> !g.equals(ServiceGroups.TASKS)).toList();
      Berthd rest = Berthd.start(config, others);
      boolean restRunning = true;
      try (Berthd tasksAndFront = Berthd.start(config, List.of(ServiceGroups.TASKS, ServiceGroups.FRONT))) {
        ManagedChannel front = Channels.unix(config.frontSocket());
        try {
          Channel ns = Channels.inNamespace(front, "default");
          assertFalse(VersionGrpc.newBlockingStub(front).version(Empty.getDefaultInstance()).getVersion().isEmpty());
          assertEquals(0, ContainersGrpc.newBlockingStub(ns).list(ListContainersRequest.getDefaultInstance())
              .getContainersCount());

          // streams both ways, larger than a flow-control window
          byte[] data = new byte[3 * CHUNK + 17];
          new Random(7).nextBytes(data);
          String digest = Digests.sha256(data);
          assertEquals(digest, write(ContentGrpc.newStub(ns), data, digest));
          ByteArrayOutputStream back = new ByteArrayOutputStream();
          ContentGrpc.newBlockingStub(ns).read(ReadContentRequest.newBuilder().setDigest(digest).build())
              .forEachRemaining(r -> back.writeBytes(r.getData().toByteArray()));
          assertArrayEquals(data, back.toByteArray());

          IOException secondFront = assertThrows(IOException.class,
              () -> Berthd.start(config, List.of(ServiceGroups.FRONT)));
          assertTrue(secondFront.getMessage().contains("another berthd"), secondFront.getMessage());

          rest.close();
          restRunning = false;
          StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
              () -> ImagesGrpc.newBlockingStub(ns).list(ListImagesRequest.getDefaultInstance()));
          assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode());
          String why = down.getStatus().getDescription();
          assertTrue(why.contains("metadata group") && why.contains(config.socket(ServiceGroups.METADATA).toString()),
              why);

          rest = Berthd.start(config, others);
          restRunning = true;
          // gRPC's own back-off would wait seconds after the failed connects before trying again
          assertTrue(answersWithin(ns, 1000), "the metadata group started again is not reached within 1 s");
        } finally {
          front.shutdownNow();
        }
      } finally {
        if (restRunning) {
          rest.close();
        }
      }
    }
  }

  @Test
  void frontHealthAnswersForEachServiceWhetherItsGroupIsReachable() throws Exception {
    try (TestNetns netns = TestNetns.create("berth-fronthealth")) {
      DaemonConfig config = new DaemonConfig(dir.resolve("root"), dir.resolve("run"), null, netns.path());
      Berthd content = Berthd.start(config, List.of(ServiceGroups.CONTENT));
      try (Berthd front = Berthd.start(config, List.of(ServiceGroups.FRONT))) {
        ManagedChannel channel = Channels.unix(config.frontSocket());
        try {
          HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
          assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
          assertTrue(becomes(health, ContentGrpc.SERVICE_NAME, ServingStatus.SERVING));
          // the metadata group was never started
          assertEquals(ServingStatus.NOT_SERVING, status(health, ImagesGrpc.SERVICE_NAME));
          StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
              () -> status(health, "containerd.services.nosuch.v1.Nosuch"));
          assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

          content.close();
          content = null;
          assertTrue(becomes(health, ContentGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING));
          content = Berthd.start(config, List.of(ServiceGroups.CONTENT));
          assertTrue(becomes(health, ContentGrpc.SERVICE_NAME, ServingStatus.SERVING));
        } finally {
          channel.shutdownNow();
        }
      } finally {
        if (content != null) {
          content.close();
        }
      }
    }
  }

  private static ServingStatus status(HealthGrpc.HealthBlockingStub health, String service) {
    return health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  /** Whether {@code service}'s health reads {@code expected} within 5 s. */
  private static boolean becomes(HealthGrpc.HealthBlockingStub health, String service, ServingStatus expected)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      if (status(health, service) == expected) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static boolean answersWithin(Channel ns, long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      try {
        ImagesGrpc.newBlockingStub(ns).list(ListImagesRequest.getDefaultInstance());
        return true;
      } catch (StatusRuntimeException e) {
        Thread.sleep(20);
      }
    }
    return false;
  }

  /** Writes {@code data} in chunks, one request and its answer at a time, and commits it. */
  private static String write(ContentGrpc.ContentStub content, byte[] data, String digest) throws Exception {
    BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<WriteContentRequest> requests = content.write(new StreamObserver<>() {
      @Override
      public void onNext(WriteContentResponse r) {
        answers.add(r);
      }

      @Override
      public void onError(Throwable t) {
        answers.add(t);
      }

      @Override
      public void onCompleted() {}
    });
    WriteContentResponse last = null;
    for (int offset = 0; offset < data.length; offset += CHUNK) {
      int n = Math.min(CHUNK, data.length - offset);
      WriteAction action = offset + n == data.length ? WriteAction.COMMIT : WriteAction.WRITE;
      requests.onNext(WriteContentRequest.newBuilder().setAction(action).setRef("front-test").setOffset(offset)
          .setTotal(data.length).setExpected(digest).setData(ByteString.copyFrom(data, offset, n)).build());
      Object answer = answers.poll(30, TimeUnit.SECONDS);
      if (answer instanceof Throwable t) {
        throw new AssertionError("write failed", t);
      }
      last = (WriteContentResponse) answer;
    }
    requests.onCompleted();
    return last.getDigest();
  }
}
