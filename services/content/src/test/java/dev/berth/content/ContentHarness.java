package dev.berth.content;

import com.google.protobuf.Message;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import dev.berth.api.Digests;
import dev.berth.api.grpc.Channels;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.fs.FileTrees;
import dev.berth.common.leases.GrpcLeaseRecorder;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.content.file.FileContentStore;
import io.grpc.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A content service on a real file store in a directory of its own, served in-process, with a
 * recording event publisher, namespace registrar and Leases service: fresh for each test when
 * registered with {@code @RegisterExtension}, started before the test's {@code @BeforeEach}
 * methods. {@link #restart} is a daemon restart on the same root.
 */
final class ContentHarness implements BeforeEachCallback, AfterEachCallback {
  record Published(String namespace, String topic, Message event) {}

  final List<String> registeredNamespaces = new CopyOnWriteArrayList<>();
  final List<Published> events = new CopyOnWriteArrayList<>();
  final RecordingLeases leases = new RecordingLeases();
  Path root;
  FileContentStore store;
  private MetadataStore metadata;
  private InProcessServices leaseServer;
  private InProcessServices server;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    root = Files.createTempDirectory("berth-content");
    open();
  }

  /** Runs after a failed start too. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      close();
    } finally {
      FileTrees.deleteRecursively(root);
    }
  }

  private void open() throws IOException {
    metadata = MetadataStore.open(root.resolve("metadata.db"));
    leaseServer = InProcessServices.start(leases);
    EventPublisher publisher = (namespace, topic, event) -> events.add(new Published(namespace, topic, event));
    store = new FileContentStore(root, metadata, publisher, registeredNamespaces::add,
        new GrpcLeaseRecorder(leaseServer.channel()));
    server = InProcessServices.start(new ContentService(store));
  }

  /** Closes the service and opens another on the same root, as berthd's restart would. */
  void restart() throws Exception {
    close();
    open();
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

  private void close() throws InterruptedException {
    try {
      if (server != null) {
        server.close();
      }
      if (leaseServer != null) {
        leaseServer.close();
      }
    } finally {
      if (metadata != null) {
        metadata.close();
      }
    }
  }
}
