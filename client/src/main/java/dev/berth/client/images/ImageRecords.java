package dev.berth.client.images;

import com.google.protobuf.FieldMask;
import containerd.services.images.v1.CreateImageRequest;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.UpdateImageRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Image records as an import or a pull leaves them: a name pointing at what was just stored. */
public final class ImageRecords {
  private ImageRecords() {}

  /**
   * Creates {@code image}, or points the existing record of that name at its target (as
   * {@code docker load} and {@code docker pull} move a tag), keeping the record's labels.
   */
  public static Image createOrRetarget(ImagesGrpc.ImagesBlockingStub images, Image image) {
    try {
      return Image.fromProto(images.create(CreateImageRequest.newBuilder().setImage(image.toProto()).build())
          .getImage());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
    return Image.fromProto(images.update(UpdateImageRequest.newBuilder()
        .setImage(image.toProto())
        .setUpdateMask(FieldMask.newBuilder().addPaths("target"))
        .build()).getImage());
  }
}
