package dev.berth.metadata.namespaces;

import static dev.berth.metadata.MetadataTestServer.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListContentResponse;
import containerd.services.namespaces.v1.CreateNamespaceRequest;
import containerd.services.namespaces.v1.DeleteNamespaceRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import dev.berth.api.Digests;
import dev.berth.api.grpc.BerthException;
import dev.berth.common.grpc.RequestContext;
import dev.berth.common.testing.InProcessServices;
import dev.berth.metadata.MetadataTestServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GrpcUsage.content against a Content server that lists the blobs this test puts in each namespace. */
class GrpcUsageTest {
  /** Answers Content.List from a map of namespace to blob digests, in chunks of one, as a streaming server may. */
  private static final class ListingContent extends ContentGrpc.ContentImplBase {
    final Map<String, List<String>> blobs = new ConcurrentHashMap<>();

    @Override
    public void list(ListContentRequest request, StreamObserver<ListContentResponse> response) {
      for (String digest : blobs.getOrDefault(RequestContext.namespace(), List.of())) {
        response.onNext(ListContentResponse.newBuilder().addInfo(Info.newBuilder().setDigest(digest).setSize(1)).build());
      }
      response.onCompleted();
    }
  }

  @TempDir Path root;
  private final ListingContent content = new ListingContent();
  private InProcessServices contentServer;

  @BeforeEach
  void start() throws Exception {
    contentServer = InProcessServices.start(content);
  }

  @AfterEach
  void stop() throws Exception {
    contentServer.close();
  }

  private static String digest(String data) {
    return Digests.sha256(data.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void reportsContentOnlyForTheNamespaceThatHoldsIt() {
    content.blobs.put("web", List.of(digest("a"), digest("b")));
    NamespaceUsage usage = GrpcUsage.content(contentServer.channel());
    assertEquals(Optional.of("content"), usage.describeUse("web"));
    assertEquals(Optional.empty(), usage.describeUse("db"));
  }

  @Test
  void anUnreachableContentServiceIsUnavailable() {
    ManagedChannel nowhere = InProcessChannelBuilder.forName("no-such-server").directExecutor().build();
    try {
      BerthException e = assertThrows(BerthException.class, () -> GrpcUsage.content(nowhere).describeUse("web"));
      assertEquals(Status.Code.UNAVAILABLE, e.code());
    } finally {
      nowhere.shutdownNow();
    }
  }

  @Test
  void namespacesDeleteRefusesWhileContentRemains() throws Exception {
    try (MetadataTestServer server = MetadataTestServer.start(
        root, List.of(GrpcUsage.content(contentServer.channel())), List::of)) {
      NamespacesGrpc.NamespacesBlockingStub namespaces = NamespacesGrpc.newBlockingStub(server.channel());
      namespaces.create(CreateNamespaceRequest.newBuilder().setNamespace(Namespace.newBuilder().setName("web")).build());
      content.blobs.put("web", List.of(digest("a")));

      StatusRuntimeException e = assertCode(Status.Code.FAILED_PRECONDITION,
          () -> namespaces.delete(DeleteNamespaceRequest.newBuilder().setName("web").build()));
      assertTrue(e.getStatus().getDescription().contains("content"), e.getStatus().getDescription());

      content.blobs.remove("web");
      namespaces.delete(DeleteNamespaceRequest.newBuilder().setName("web").build());
    }
  }
}
