package dev.berth.content;

import com.google.protobuf.Message;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import dev.berth.api.Digests;
import dev.berth.common.events.EventPublisher;
import dev.berth.api.grpc.Channels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.common.leases.GrpcLeaseRecorder;
import dev.berth.content.file.FileContentStore;
import io.grpc.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A content service on a real file store in {@code root}, served in-process, with a recording
 * event publisher, namespace registrar and Leases service. Opening a second harness on the same
 * root after closing the first is a daemon restart.
 */
final class ContentHarness implements AutoCloseable {
  record Published(String namespace, String topic, Message event) {}

  final Path root;
  final List<String> registeredNamespaces = new CopyOnWriteArrayList<>();
  final List<Published> events = new CopyOnWriteArrayList<>();
  final RecordingLeases leases = new RecordingLeases();
  final FileContentStore store;
  private final MetadataStore metadata;
  private final InProcessServices leaseServer;
  private final InProcessServices server;

  private ContentHarness(Path root) throws IOException {
    this.root = root;
    this.metadata = MetadataStore.open(root.resolve("metadata.db"));
    this.leaseServer = InProcessServices.start(leases);
    EventPublisher publisher = (namespace, topic, event) -> events.add(new Published(namespace, topic, event));
    this.store = new FileContentStore(root, metadata, publisher, registeredNamespaces::add,
        new GrpcLeaseRecorder(leaseServer.channel()));
    this.server = InProcessServices.start(new ContentService(store));
  }

  static ContentHarness open(Path root) throws IOException {
    return new ContentHarness(root);
  }

  Channel channel(String namespace) {
    return server.inNamespace(namespace);
  }

  Channel channel(String namespace, String lease) {
    return Channels.withLease(server.inNamespace(namespace), lease);
  }

  ContentGrpc.ContentBlockingStub content(String namespace) {
    return ContentGrpc.newBlockingStub(channel(namespace));
  }

  WriteStream write(String namespace) {
    return new WriteStream(channel(namespace));
  }

  /** Writes {@code data} in one stream (STAT, WRITE, COMMIT) and returns its digest. */
  String commit(String namespace, byte[] data, Map<String, String> labels) throws Exception {
    String digest = Digests.sha256(data);
    try (WriteStream w = write(namespace)) {
      w.stat("commit-" + digest, data.length, digest);
      w.write(0, data);
      w.commit(data.length, data.length, digest, labels);
      w.assertEndedCleanly();
    }
    return digest;
  }

  byte[] read(String namespace, String digest) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Iterator<ReadContentResponse> chunks =
        content(namespace).read(ReadContentRequest.newBuilder().setDigest(digest).build());
    while (chunks.hasNext()) {
      chunks.next().getData().writeTo(out);
    }
    return out.toByteArray();
  }

  Path blobFile(String digest) {
    return root.resolve("content/blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  Path ingestRoot() {
    return root.resolve("content/ingest");
  }

  @Override
  public void close() throws InterruptedException {
    try {
      server.close();
      leaseServer.close();
    } finally {
      metadata.close();
    }
  }
}
