package dev.berth.cri;

import dev.berth.client.images.ImageNames;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import runtime.v1.FilesystemIdentifier;
import runtime.v1.FilesystemUsage;
import runtime.v1.Image;
import runtime.v1.ImageFsInfoRequest;
import runtime.v1.ImageFsInfoResponse;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.ImageStatusRequest;
import runtime.v1.ImageStatusResponse;
import runtime.v1.Int64Value;
import runtime.v1.ListImagesRequest;
import runtime.v1.ListImagesResponse;
import runtime.v1.PullImageRequest;
import runtime.v1.PullImageResponse;
import runtime.v1.RemoveImageRequest;
import runtime.v1.RemoveImageResponse;
import runtime.v1.UInt64Value;

/**
 * The CRI's ImageService over {@link CriImages}. As containerd's CRI plugin answers: the status of
 * an image not here is an empty answer, removing one not here succeeds, and a pull's answer is the
 * image id.
 */
public final class ImageService extends ImageServiceGrpc.ImageServiceImplBase {
  private final CriImages images;

  public ImageService(CriImages images) {
    this.images = images;
  }

  /**
   * Every image, or with a filter the image it names (none if it names none); a name without tag
   * or digest ({@code crictl images registry.k8s.io/pause}) names every tag of its repository,
   * where containerd's CRI lists every image whatever the filter.
   */
  @Override
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> responses) {
    String wanted = request.getFilter().getImage().getImage();
    List<CriImage> listed = wanted.isEmpty() ? images.list() : matching(wanted);
    ListImagesResponse.Builder response = ListImagesResponse.newBuilder();
    listed.forEach(i -> response.addImages(toProto(i)));
    responses.onNext(response.build());
    responses.onCompleted();
  }

  private List<CriImage> matching(String wanted) {
    if (ImageNames.isValid(wanted) && !wanted.contains("@") && wanted.lastIndexOf(':') < wanted.lastIndexOf('/') + 1) {
      String repository = ImageNames.repository(ImageNames.normalize(wanted));
      List<CriImage> tagged = images.list().stream()
          .filter(i -> i.repoTags().stream().anyMatch(t -> ImageNames.repository(t).equals(repository))).toList();
      if (!tagged.isEmpty()) {
        return tagged;
      }
    }
    // a tag, a digest, or an id or its prefix
    return images.find(wanted).stream().toList();
  }

  /** With verbose, {@code info["info"]} holds the image config and its layers' chain ID, as JSON. */
  @Override
  public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> responses) {
    ImageStatusResponse.Builder response = ImageStatusResponse.newBuilder();
    images.find(request.getImage().getImage()).ifPresent(i -> {
      response.setImage(toProto(i));
      if (request.getVerbose()) {
        response.putInfo("info", "{\"chainID\":\"" + i.chainId() + "\",\"imageSpec\":"
            + new String(i.config(), StandardCharsets.UTF_8) + "}");
      }
    });
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> responses) {
    String id = images.pull(request.getImage().getImage(), AuthConfigs.toTransfer(request.getAuth()));
    responses.onNext(PullImageResponse.newBuilder().setImageRef(id).build());
    responses.onCompleted();
  }

  @Override
  public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> responses) {
    images.remove(request.getImage().getImage());
    responses.onNext(RemoveImageResponse.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> responses) {
    CriImages.FilesystemUse use = images.filesystemUse();
    Instant now = Instant.now();
    responses.onNext(ImageFsInfoResponse.newBuilder().addImageFilesystems(FilesystemUsage.newBuilder()
        .setTimestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano())
        .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(use.mountpoint()))
        .setUsedBytes(UInt64Value.newBuilder().setValue(use.usedBytes()))
        .setInodesUsed(UInt64Value.newBuilder().setValue(use.inodesUsed()))).build());
    responses.onCompleted();
  }

  private static Image toProto(CriImage image) {
    Image.Builder proto = Image.newBuilder().setId(image.id()).addAllRepoTags(image.repoTags())
        .addAllRepoDigests(image.repoDigests()).setSize(image.size());
    ImageUser user = ImageUser.parse(image.user());
    OptionalLong uid = user.uid();
    if (uid.isPresent()) {
      proto.setUid(Int64Value.newBuilder().setValue(uid.getAsLong()));
    }
    return proto.setUsername(user.username()).build();
  }
}
