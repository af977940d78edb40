package dev.berth.network;

import berth.network.v1.AttachRequest;
import berth.network.v1.AttachResponse;
import berth.network.v1.AttachmentStatsRequest;
import berth.network.v1.AttachmentStatsResponse;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.GetAttachmentResponse;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.ListAttachmentsResponse;
import berth.network.v1.RenameAttachmentsRequest;
import com.google.protobuf.Empty;
import dev.berth.api.filter.Filter;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.NetworkManager;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * berth.network.v1.Attachments over a {@link NetworkManager}, in the request's containerd
 * namespace. Serve it wrapped with {@code ServiceInterceptors.wrap}.
 */
public final class AttachmentsService extends AttachmentsGrpc.AttachmentsImplBase {
  private final NetworkManager manager;
  private final NetworkEvents events;

  AttachmentsService(NetworkManager manager, NetworkEvents events) {
    this.manager = manager;
    this.events = events;
  }

  @Override
  public void attach(AttachRequest request, StreamObserver<AttachResponse> responses) {
    AttachmentInfo a = manager.attach(RequestContext.namespace(), NetworkMessages.spec(request));
    if (a.mode() == Mode.BRIDGE) {
      events.connected(a, manager.getNetwork(a.network()));
    }
    responses.onNext(AttachResponse.newBuilder().setAttachment(NetworkMessages.attachment(a)).build());
    responses.onCompleted();
  }

  @Override
  public void detach(DetachRequest request, StreamObserver<Empty> responses) {
    // what goes and its networks, looked up first: detach is idempotent, and only a connection
    // that was there is announced
    Map<AttachmentInfo, NetworkInfo> leaving = new LinkedHashMap<>();
    manager.listAttachments(RequestContext.namespace(), Filter.parse(List.of())).stream()
        .filter(a -> a.containerId().equals(request.getContainerId()) && a.mode() == Mode.BRIDGE)
        .filter(a -> request.getNetwork().isEmpty() || a.network().equals(request.getNetwork()))
        .forEach(a -> leaving.put(a, manager.getNetwork(a.network())));
    manager.detach(RequestContext.namespace(), request.getContainerId(), request.getNetwork());
    leaving.forEach(events::disconnected);
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void get(GetAttachmentRequest request, StreamObserver<GetAttachmentResponse> responses) {
    AttachmentInfo a = manager.getAttachment(RequestContext.namespace(), request.getContainerId(),
        request.getNetwork());
    responses.onNext(GetAttachmentResponse.newBuilder().setAttachment(NetworkMessages.attachment(a)).build());
    responses.onCompleted();
  }

  @Override
  public void list(ListAttachmentsRequest request, StreamObserver<ListAttachmentsResponse> responses) {
    ListAttachmentsResponse.Builder b = ListAttachmentsResponse.newBuilder();
    manager.listAttachments(RequestContext.namespace(), Filter.parse(request.getFiltersList()))
        .forEach(a -> b.addAttachments(NetworkMessages.attachment(a)));
    responses.onNext(b.build());
    responses.onCompleted();
  }

  @Override
  public void rename(RenameAttachmentsRequest request, StreamObserver<Empty> responses) {
    manager.rename(RequestContext.namespace(), request.getContainerId(), request.getOldName(), request.getNewName());
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void stats(AttachmentStatsRequest request, StreamObserver<AttachmentStatsResponse> responses) {
    responses.onNext(NetworkMessages.stats(manager.stats(RequestContext.namespace(), request.getContainerId())));
    responses.onCompleted();
  }
}
