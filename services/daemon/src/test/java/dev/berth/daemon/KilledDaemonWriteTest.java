package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import dev.berth.api.Digests;
import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A berthd killed with SIGKILL in the middle of an ingest: after a restart the blob is absent,
 * the ingest reports how far it got, and the client finishes it to a verified blob.
 */
class KilledDaemonWriteTest {
  private static final int CHUNK = 1 << 20;
  @TempDir Path dir;

  /** A Write stream driven one request, one response at a time, as containerd's client does. */
  private static final class Writer implements AutoCloseable {
    private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    private final StreamObserver<WriteContentRequest> requests;

    Writer(ContentGrpc.ContentStub stub) {
      requests = stub.write(new StreamObserver<>() {
        @Override
        public void onNext(WriteContentResponse r) {
          responses.add(r);
        }

        @Override
        public void onError(Throwable t) {
          responses.add(t);
        }

        @Override
        public void onCompleted() {}
      });
    }

    WriteContentResponse send(WriteContentRequest r) throws InterruptedException {
      requests.onNext(r);
      Object answer = responses.poll(30, TimeUnit.SECONDS);
      if (answer instanceof Throwable t) {
        throw new AssertionError("write failed", t);
      }
      return (WriteContentResponse) answer;
    }

    @Override
    public void close() {
      requests.onCompleted();
    }
  }

  private static WriteContentRequest.Builder req(WriteAction action) {
    return WriteContentRequest.newBuilder().setAction(action).setRef("crash-ref");
  }

  private static void awaitSocket(Path socket, Process p) throws InterruptedException {
    for (int i = 0; i < 300 && !Files.exists(socket); i++) {
      assertTrue(p.isAlive(), "berthd exited early");
      Thread.sleep(100);
    }
    assertTrue(Files.exists(socket), "berthd did not create " + socket);
  }

  @Test
  void killedMidWriteLeavesNoBlobAndTheIngestResumes() throws Exception {
    byte[] data = new byte[24 * CHUNK + 777];
    new Random(42).nextBytes(data);
    String digest = Digests.sha256(data);
    Path root = dir.resolve("root");
    Path state = dir.resolve("run");
    Path socket = state.resolve("berth.sock");
    Path log = dir.resolve("berthd.log");

    try (TestNetns hostNetns = TestNetns.create("berth-kill")) {
      killAndResume(data, digest, root, state, socket, hostNetns.path(), log);
    }
  }

  private static void killAndResume(byte[] data, String digest, Path root, Path state, Path socket, Path netns,
      Path log) throws Exception {
    Process first = Processes.startDaemon(root, state, netns, log);
    long written = 0;
    try {
      awaitSocket(socket, first);
      ManagedChannel channel = Channels.unix(socket);
      try {
        Writer w = new Writer(ContentGrpc.newStub(channel));
        assertEquals(0, w.send(req(WriteAction.STAT).setTotal(data.length).build()).getOffset());
        for (int i = 0; i < 10; i++) {
          WriteContentResponse r = w.send(req(WriteAction.WRITE).setOffset(written)
              .setData(ByteString.copyFrom(data, (int) written, CHUNK)).build());
          written += CHUNK;
          assertEquals(written, r.getOffset());
        }
      } finally {
        first.destroyForcibly().waitFor();
        channel.shutdownNow();
      }
    } finally {
      first.destroyForcibly().waitFor();
    }
    Path blob = root.resolve("content/blobs/sha256/" + digest.substring(7));
    assertTrue(Files.notExists(blob), "no blob may appear from a torn write");

    Process second = Processes.startDaemon(root, state, netns, log);
    try {
      awaitSocket(socket, second);
      // the killed daemon's socket file was still there; wait until the new one answers
      ManagedChannel channel = Channels.unix(socket);
      try {
        Writer w = new Writer(ContentGrpc.newStub(channel).withWaitForReady());
        long offset = w.send(req(WriteAction.STAT).setTotal(data.length).build()).getOffset();
        // acknowledged data may still have been on its way to the file; none of it is made up
        assertTrue(offset > 0 && offset <= written, "resume offset " + offset + " of " + written);
        while (offset < data.length) {
          int n = (int) Math.min(CHUNK, data.length - offset);
          offset = w.send(req(WriteAction.WRITE).setOffset(offset)
              .setData(ByteString.copyFrom(data, (int) offset, n)).build()).getOffset();
        }
        WriteContentResponse done = w.send(req(WriteAction.COMMIT).setOffset(offset)
            .setTotal(data.length).setExpected(digest).build());
        assertEquals(digest, done.getDigest());
        w.close();

        ContentGrpc.ContentBlockingStub content = ContentGrpc.newBlockingStub(channel);
        assertEquals(data.length, content.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getSize());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        content.read(ReadContentRequest.newBuilder().setDigest(digest).build())
            .forEachRemaining(r -> back.writeBytes(r.getData().toByteArray()));
        assertArrayEquals(data, back.toByteArray());
      } finally {
        channel.shutdownNow();
      }
    } finally {
      second.destroy();
      second.waitFor(10, TimeUnit.SECONDS);
      second.destroyForcibly().waitFor();
    }
  }
}
