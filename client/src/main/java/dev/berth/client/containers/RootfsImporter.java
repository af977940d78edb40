package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.images.v1.ImagesGrpc;
import dev.berth.api.content.Blobs;
import dev.berth.client.images.Compression;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImageRecords;
import dev.berth.client.images.LayerGate;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.client.images.Platform;
import dev.berth.client.images.UnpackListener;
import dev.berth.client.leases.Lease;
import io.grpc.Channel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Docker's {@code import}: a root filesystem as a tar (plain, gzip or zstd; what {@code export}
 * writes) becomes an image of one uncompressed layer for this machine's platform, with the run
 * settings {@code --change} gives, unpacked, then named. Everything is made under a lease: input
 * that is no tar, or whose entries the snapshotter refuses, leaves no image behind.
 */
public final class RootfsImporter {
  private static final String CREATED_BY = "berthctl import";

  private final Channel channel;

  /** {@code channel} carries the namespace of the new image. */
  public RootfsImporter(Channel channel) {
    this.channel = channel;
  }

  /** What to name the image (null: kept untagged), the history step's comment (may be null), the run settings, where to unpack. */
  public record Order(String reference, String message, ImageChanges changes, String snapshotter) {}

  public Image importFrom(InputStream in, Order order) throws IOException {
    String name = order.reference() == null ? null : ImageNames.normalize(order.reference());
    try (Lease lease = Lease.create(channel, Lease.DEFAULT_EXPIRY)) {
      Blobs blobs = Blobs.on(lease.channel());
      InputStream tar = TarStreams.requireTar(Compression.decompressed(new BufferedInputStream(in, 1 << 16)));
      Blobs.Written written = blobs.write("import-" + ContainerClient.newId(), tar, -1, null, Map.of(), n -> { });
      Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER, written.digest(), written.size());
      Descriptor config = ImageAssembly.store(blobs, MediaTypes.OCI_CONFIG, config(layer.digest(), order), Map.of());
      Descriptor manifest = ImageAssembly.manifest(blobs, MediaTypes.OCI_MANIFEST, config, List.of(layer));
      ImageClient images = new ImageClient(lease.channel());
      images.unpackTarget(manifest, Platform.current(), order.snapshotter(), UnpackListener.NONE, LayerGate.OPEN);
      return name == null ? images.keepUntagged(manifest)
          : ImageRecords.createOrRetarget(ImagesGrpc.newBlockingStub(lease.channel()),
              new Image(name, manifest, Map.of(), null, null));
    }
  }

  /** The OCI config: platform, the one layer's diff ID (the layer is not compressed), a history step, the changes. */
  private static byte[] config(String diffId, Order order) {
    String now = Instant.now().toString();
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("architecture", Platform.current().architecture());
    config.put("os", "linux");
    config.put("created", now);
    order.changes().applyTo(config.putObject("config"));
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(diffId);
    ObjectNode step = config.putArray("history").addObject().put("created", now).put("created_by", CREATED_BY);
    if (order.message() != null && !order.message().isEmpty()) {
      step.put("comment", order.message());
      config.put("comment", order.message());
    }
    return OciJson.bytes(config);
  }
}
