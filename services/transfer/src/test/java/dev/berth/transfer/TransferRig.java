package dev.berth.transfer;

import berth.transfer.v1.BlobProgress;
import berth.transfer.v1.BlobState;
import berth.transfer.v1.LoginRequest;
import berth.transfer.v1.PullRequest;
import berth.transfer.v1.PushRequest;
import berth.transfer.v1.TransferDone;
import berth.transfer.v1.TransferGrpc;
import berth.transfer.v1.TransferProgress;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import dev.berth.api.grpc.Channels;
import dev.berth.client.BerthClient;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.testing.BerthOnUnixSocket;
import dev.berth.client.testing.TestImage;
import dev.berth.common.grpc.ServiceInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * One Berth (the real metadata, content, snapshots and diff services on a Unix socket, state in its
 * own root) with the Transfer service in front of it, called as a client calls it.
 */
final class TransferRig implements AutoCloseable {
  static final String NAMESPACE = "transfer-test";

  private final BerthOnUnixSocket berth;
  private final ManagedChannel api;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Server server;
  private final ManagedChannel transferChannel;
  final BerthClient client;
  final TransferGrpc.TransferBlockingStub transfer;
  /** Where the service reads registries' CA certificates and hosts.toml files. */
  final Path certsDir;

  TransferRig(Path dir) throws Exception {
    certsDir = dir.resolve("certs.d");
    berth = BerthOnUnixSocket.start(dir);
    api = Channels.unix(berth.socket());
    String name = "transfer-" + UUID.randomUUID();
    server = InProcessServerBuilder.forName(name).executor(executor)
        .addService(ServiceInterceptors.wrap(new TransferService(
            new RegistryTransfers(api, certsDir))))
        .build().start();
    transferChannel = InProcessChannelBuilder.forName(name).build();
    transfer = TransferGrpc.newBlockingStub(Channels.inNamespace(transferChannel, NAMESPACE));
    client = BerthClient.connect(berth.socket(), NAMESPACE);
  }

  /** Imports the image's OCI archive, as {@code berthctl load} does. */
  void load(TestImage image) throws Exception {
    client.images().importArchive(new ByteArrayInputStream(image.ociArchive()), ImportOptions.defaults());
  }

  /** A finished transfer: every progress message and the closing one. */
  record Result(List<BlobProgress> events, TransferDone done) {
    List<BlobProgress> of(String digest) {
      return events.stream().filter(e -> e.getDigest().equals(digest)).toList();
    }

    boolean reached(String digest, BlobState state) {
      return of(digest).stream().anyMatch(e -> e.getState() == state);
    }
  }

  Result pull(PullRequest request) {
    return collect(transfer.pull(request));
  }

  Result pull(String reference) {
    return pull(PullRequest.newBuilder().setReference(reference).setUnpack(true).build());
  }

  Result push(PushRequest request) {
    return collect(transfer.push(request));
  }

  Result push(String image, String reference) {
    return push(PushRequest.newBuilder().setImage(image).setReference(reference).build());
  }

  void login(LoginRequest request) {
    transfer.login(request);
  }

  /** Pulls until {@code stop} holds for an event, then cancels the call as a client that goes away does. */
  List<BlobProgress> pullUntil(PullRequest request, Predicate<BlobProgress> stop) {
    io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
    List<BlobProgress> seen = new ArrayList<>();
    try {
      context.run(() -> {
        var responses = transfer.pull(request);
        while (responses.hasNext()) {
          TransferProgress p = responses.next();
          if (p.hasBlob()) {
            seen.add(p.getBlob());
            if (stop.test(p.getBlob())) {
              context.cancel(null);
              return;
            }
          }
        }
      });
    } catch (StatusRuntimeException cancelled) {
      // the call ended by the cancel
    }
    return seen;
  }

  private static Result collect(java.util.Iterator<TransferProgress> responses) {
    List<BlobProgress> events = new ArrayList<>();
    TransferDone done = null;
    while (responses.hasNext()) {
      TransferProgress p = responses.next();
      if (p.hasBlob()) {
        events.add(p.getBlob());
      } else {
        done = p.getDone();
      }
    }
    return new Result(events, done);
  }

  byte[] blob(String digest) {
    return client.content().read(digest, Long.MAX_VALUE);
  }

  boolean hasBlob(String digest) {
    return client.content().info(digest).isPresent();
  }

  /** Refs of the unfinished ingests of the namespace. */
  List<containerd.services.content.v1.Status> ingests() {
    return ContentGrpc.newBlockingStub(client.channel()).listStatuses(ListStatusesRequest.getDefaultInstance())
        .getStatusesList();
  }

  boolean hasSnapshot(String name) {
    try {
      SnapshotsGrpc.newBlockingStub(client.channel()).stat(StatSnapshotRequest.newBuilder()
          .setSnapshotter("overlayfs").setKey(name).build());
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      client.close();
      transferChannel.shutdownNow();
      server.shutdownNow();
      executor.shutdownNow();
      api.shutdownNow();
    } finally {
      berth.close();
    }
  }
}
