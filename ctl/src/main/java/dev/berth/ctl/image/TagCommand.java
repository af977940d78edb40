package dev.berth.ctl.image;

import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl tag}: another name for an image. */
@Command(name = "tag",
    description = "Give an image another name (an image already called TARGET is pointed at SOURCE's "
        + "content). Prints the new name.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl tag busybox:latest registry.example.com/tools/busybox:1.36"})
public final class TagCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "the image")
  String source;

  @Parameters(index = "1", paramLabel = "TARGET", description = "the new name (busybox:1 means docker.io/library/busybox:1)")
  String target;

  @Override
  public Integer call() {
    String name;
    try {
      name = ImageNames.normalize(target);
    } catch (IllegalArgumentException e) {
      // an argument, not a flag: Docker exits 1, in the words of its client's ImageTag
      throw new CommandFailure("Error parsing reference: \"" + target + "\" is not a valid repository/tag: "
          + ReferenceFormat.reason(e));
    }
    if (name.contains("@")) {
      throw new CommandFailure("refusing to create a tag with a digest reference");
    }
    try (Connection c = root.connect()) {
      ImageClient images = new ImageClient(c.channel());
      Image image = NoSuchImage.naming(source, () -> images.resolve(source));
      images.tag(image, name);
    }
    // silent, as Docker's tag: scripts capture what is printed
    return 0;
  }
}
