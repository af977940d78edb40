package dev.berth.client.containers;

import com.google.protobuf.Any;
import dev.berth.client.images.Image;
import dev.berth.client.spec.Spec;
import java.util.Map;

/**
 * What a container record is made of: its id, the image its root file system comes from (a
 * snapshot of the image's top layer, named after the id), the runtime spec, labels,
 * extensions (client data the services keep without reading), and the OCI runtime binary its
 * tasks run with (empty for berthd's default, runc).
 */
public record NewContainer(String id, Image image, Spec spec, Map<String, String> labels,
    Map<String, Any> extensions, String runtimeBinary) {
  public NewContainer {
    labels = Map.copyOf(labels);
    extensions = Map.copyOf(extensions);
  }

  public NewContainer(String id, Image image, Spec spec, Map<String, String> labels, Map<String, Any> extensions) {
    this(id, image, spec, labels, extensions, "");
  }
}
