package dev.berth.metadata.images;

import com.google.protobuf.Empty;
import containerd.services.images.v1.CreateImageRequest;
import containerd.services.images.v1.CreateImageResponse;
import containerd.services.images.v1.DeleteImageRequest;
import containerd.services.images.v1.GetImageRequest;
import containerd.services.images.v1.GetImageResponse;
import containerd.services.images.v1.Image;
import containerd.services.images.v1.ImageCreate;
import containerd.services.images.v1.ImageDelete;
import containerd.services.images.v1.ImageUpdate;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.ListImagesRequest;
import containerd.services.images.v1.ListImagesResponse;
import containerd.services.images.v1.UpdateImageRequest;
import containerd.services.images.v1.UpdateImageResponse;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.gc.GarbageCollectionRequests;
import dev.berth.api.filter.Filter;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/**
 * containerd's Images API over {@link ImageStore}, in the caller's namespace; announces changes
 * as /images/* events (the collector follows /images/delete). Delete's {@code sync} waits for
 * a garbage collection, so the image's content and snapshots no other image shares are gone
 * when it answers.
 */
public final class ImagesService extends ImagesGrpc.ImagesImplBase {
  private final ImageStore images;
  private final EventPublisher events;
  private final GarbageCollectionRequests gc;

  public ImagesService(ImageStore images, EventPublisher events, GarbageCollectionRequests gc) {
    this.images = images;
    this.events = events;
    this.gc = gc;
  }

  @Override
  public void get(GetImageRequest request, StreamObserver<GetImageResponse> response) {
    Image image = images.get(RequestContext.namespace(), request.getName());
    response.onNext(GetImageResponse.newBuilder().setImage(image).build());
    response.onCompleted();
  }

  @Override
  public void list(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
    Filter filter = Filter.parse(request.getFiltersList());
    response.onNext(ListImagesResponse.newBuilder()
        .addAllImages(images.list(RequestContext.namespace(), filter)).build());
    response.onCompleted();
  }

  @Override
  public void create(CreateImageRequest request, StreamObserver<CreateImageResponse> response) {
    String namespace = RequestContext.namespace();
    Image image = images.create(namespace, request.getImage());
    events.publish(namespace, "/images/create",
        ImageCreate.newBuilder().setName(image.getName()).putAllLabels(image.getLabelsMap()).build());
    response.onNext(CreateImageResponse.newBuilder().setImage(image).build());
    response.onCompleted();
  }

  @Override
  public void update(UpdateImageRequest request, StreamObserver<UpdateImageResponse> response) {
    String namespace = RequestContext.namespace();
    Image image = images.update(namespace, request.getImage(), request.getUpdateMask().getPathsList());
    events.publish(namespace, "/images/update",
        ImageUpdate.newBuilder().setName(image.getName()).putAllLabels(image.getLabelsMap()).build());
    response.onNext(UpdateImageResponse.newBuilder().setImage(image).build());
    response.onCompleted();
  }

  @Override
  public void delete(DeleteImageRequest request, StreamObserver<Empty> response) {
    String namespace = RequestContext.namespace();
    Optional<String> expectedDigest = request.getTarget().getDigest().isEmpty()
        ? Optional.empty() : Optional.of(request.getTarget().getDigest());
    images.delete(namespace, request.getName(), expectedDigest);
    events.publish(namespace, "/images/delete", ImageDelete.newBuilder().setName(request.getName()).build());
    if (request.getSync()) {
      gc.collectNow();
    }
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }
}
