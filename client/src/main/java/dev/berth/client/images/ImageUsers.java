package dev.berth.client.images;

import containerd.services.containers.v1.Container;
import dev.berth.client.containers.ContainerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which containers use which image, as Docker decides it: by image id (the digest of the image's
 * target), not by the name the container was created through, so that a container keeps its
 * image when that name is untagged or moves to another image. The one rule that {@code rmi},
 * {@code image prune} and {@code system df} share.
 */
public final class ImageUsers {
  private final Map<String, List<Container>> byImageId = new HashMap<>();

  private ImageUsers() {}

  /** The users among {@code containers} of the images in {@code images} (all the namespace's records). */
  public static ImageUsers of(List<Container> containers, List<Image> images) {
    Map<String, String> idByName = idByName(images);
    ImageUsers users = new ImageUsers();
    for (Container c : containers) {
      String id = imageId(c, idByName);
      if (!id.isEmpty()) {
        users.byImageId.computeIfAbsent(id, k -> new ArrayList<>()).add(c);
      }
    }
    return users;
  }

  /** Each record's name to its image id. */
  public static Map<String, String> idByName(List<Image> images) {
    Map<String, String> ids = new HashMap<>();
    images.forEach(i -> ids.put(i.name(), i.target().digest()));
    return ids;
  }

  /**
   * The id of the image {@code record} uses: the one berthctl recorded at create; for a record
   * other clients (ctr) made, which has only the image's name, the id of the image of that name
   * now ({@code idByName}); empty if neither.
   */
  public static String imageId(Container record, Map<String, String> idByName) {
    String recorded = ContainerConfig.of(record).imageId();
    if (!recorded.isEmpty()) {
      return recorded;
    }
    return record.getImage().isEmpty() ? "" : idByName.getOrDefault(record.getImage(), "");
  }

  /** The containers using the image of id {@code imageId}, in the order given. */
  public List<Container> of(String imageId) {
    return byImageId.getOrDefault(imageId, List.of());
  }

  /** The containers using {@code image}: those of its id, through whichever name they were created. */
  public List<Container> of(Image image) {
    return of(image.target().digest());
  }
}
