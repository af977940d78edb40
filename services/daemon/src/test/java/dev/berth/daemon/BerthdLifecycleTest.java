package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.UpdateRequest;
import containerd.services.version.v1.VersionGrpc;
import dev.berth.api.Digests;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import com.google.protobuf.Empty;
import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** berthd starting, refusing a second instance, serving health, and stopping, on real sockets. */
class BerthdLifecycleTest {
  @TempDir Path dir;
  private TestNetns hostNetns;

  @BeforeEach
  void isolateNetwork() throws Exception {
    hostNetns = TestNetns.create("berth-life");
  }

  @AfterEach
  void removeNetwork() throws Exception {
    hostNetns.close();
  }

  private DaemonConfig config() {
    return new DaemonConfig(dir.resolve("root"), dir.resolve("run"), null, hostNetns.path());
  }

  @Test
  void staleSocketFromAKilledDaemonDoesNotStopAStart() throws Exception {
    DaemonConfig config = config();
    Files.createDirectories(config.state());
    // what a killed daemon leaves: a bound socket file with nobody listening
    try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(config.frontSocket()));
    }
    assertTrue(Files.exists(config.frontSocket()));
    try (Berthd daemon = Berthd.startAll(config)) {
      ManagedChannel channel = Channels.unix(config.frontSocket());
      try {
        assertTrue(VersionGrpc.newBlockingStub(channel).version(Empty.getDefaultInstance()).getVersion().length() > 0);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void secondDaemonOnTheSameStateDirectoryIsRefused() throws Exception {
    DaemonConfig config = config();
    try (Berthd first = Berthd.startAll(config)) {
      IOException e = assertThrows(IOException.class, () -> Berthd.startAll(config));
      assertTrue(e.getMessage().contains("already running"), e.getMessage());
      assertTrue(e.getMessage().contains(String.valueOf(ProcessHandle.current().pid())), e.getMessage());
      // the refused start must not have taken the first daemon's sockets away
      assertTrue(Files.exists(config.frontSocket()));
    }
  }

  @Test
  void messagesUpTo16MiBAreAcceptedAndLargerOnesRefusedWithNothingWritten() throws Exception {
    DaemonConfig config = config();
    try (Berthd daemon = Berthd.startAll(config)) {
      ManagedChannel channel = Channels.unix(config.frontSocket());
      try {
        ContentGrpc.ContentBlockingStub content = ContentGrpc.newBlockingStub(channel);
        // an Update whose labels make the message just under and just over the limit
        String nearly = "x".repeat(16 * 1024 * 1024 - 1024);
        StatusRuntimeException tooLargeLabel = assertThrows(StatusRuntimeException.class, () -> content.update(
            UpdateRequest.newBuilder().setInfo(Info.newBuilder().setDigest(Digests.sha256(new byte[0]))
                .putLabels("big", nearly)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooLargeLabel.getStatus().getCode(),
            "a 16 MiB message reaches the service, which judges its content");
        StatusRuntimeException oversize = assertThrows(StatusRuntimeException.class, () -> content.update(
            UpdateRequest.newBuilder().setInfo(Info.newBuilder().setDigest(Digests.sha256(new byte[0]))
                .putLabels("big", nearly + "y".repeat(4096))).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, oversize.getStatus().getCode());
        try (var blobs = Files.list(Files.createDirectories(config.root().resolve("content/blobs/sha256")))) {
          assertEquals(0, blobs.count());
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void socketsAreGroupReadableOnlyAndServeHealth() throws Exception {
    DaemonConfig config = config();
    try (Berthd daemon = Berthd.startAll(config)) {
      for (String name : new String[] {"berth", "content", "metadata", "snapshots", "network", "tasks"}) {
        Path socket = config.state().resolve(name + ".sock");
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)), name);
      }
      ManagedChannel channel = Channels.unix(config.socket("content"));
      try {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(
            HealthCheckRequest.newBuilder().setService("containerd.services.content.v1.Content").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
      } finally {
        channel.shutdownNow();
      }
    }
    assertTrue(Files.notExists(config.frontSocket()), "a clean stop removes the sockets");
  }

  @Test
  void aSplitBerthdLogsStoppedAfterSigterm() throws Exception {
    DaemonConfig config = config();
    Path log = dir.resolve("berthd.log");
    Process berthd = Processes.startDaemon(config.root(), config.state(), hostNetns.path(), log, "--service",
        "volumes,front");
    try {
      for (int i = 0; i < 300 && !Files.readString(log).contains("berthd ready"); i++) {
        assertTrue(berthd.isAlive(), "berthd exited early: " + Files.readString(log));
        Thread.sleep(100);
      }
      berthd.destroy();
      assertTrue(berthd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "berthd did not stop within 30 s");
      assertEquals(0, berthd.exitValue());
      String written = Files.readString(log);
      assertTrue(written.contains("berthd stopped"), written);
    } finally {
      berthd.destroyForcibly();
    }
  }
}
