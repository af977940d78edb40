package dev.berth.ctl.events;

import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import java.util.HashMap;
import java.util.Map;

/**
 * The ids of the images that names named while events are read. An image's delete event carries
 * only its name, which resolves no more once the image is gone, so ids are taken from the images
 * there are when reading starts and looked up as names are tagged.
 */
public final class ImageIdsSeen {
  private final ImageClient images;
  private final Map<String, String> byName = new HashMap<>();

  public ImageIdsSeen(ImageClient images) {
    this.images = images;
    for (Image i : images.list()) {
      byName.put(i.name(), i.target().digest());
    }
  }

  /** The id {@code name} names, looked up now if not seen yet; the name itself if it names none. */
  public String of(String name) {
    String id = byName.get(name);
    if (id != null) {
      return id;
    }
    return images.find(name).map(i -> {
      byName.put(name, i.target().digest());
      return i.target().digest();
    }).orElse(name);
  }

  /** {@code name} was tagged: it may name another image now. */
  public void tagged(String name) {
    byName.remove(name);
  }

  /** {@code name} was removed; whether any image still has {@code id}, under another name. */
  public boolean untaggedLeaving(String name, String id) {
    byName.remove(name);
    return images.list().stream().anyMatch(i -> i.target().digest().equals(id));
  }
}
