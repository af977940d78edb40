package dev.berth.ctl.image;

import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl rmi}: removes image names. */
@Command(name = "rmi",
    description = "Remove images (their names); content and snapshots no image refers to stay until "
        + "garbage collection. The last name of an image containers use is kept unless -f, and with -f the "
        + "image stays for them, known by digest (REPO@sha256:…). An image id removes every name of the image, "
        + "which without -f must be its only one and used by no container, and even with -f by no running one. "
        + "Prints each name removed.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl rmi busybox", "  berthctl rmi -f busybox", "  berthctl images -q | xargs berthctl rmi"})
public final class RmiCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-f", "--force"}, description = "remove the name even if containers use the image; by image id, all its names")
  boolean force;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "images to remove")
  List<String> names;

  @Override
  public Integer call() {
    try (Connection c = root.connect()) {
      ImageClient images = new ImageClient(c.channel());
      return root.each(names, name -> {
        List<Image> removed = NoSuchImage.naming(name, () -> images.remove(name, force));
        for (Image image : removed) {
          root.out().println("Untagged: " + ImageNames.familiar(image.name()));
        }
        // as Docker: the image itself is gone with its last name (its content with the next collection)
        String id = removed.get(0).target().digest();
        if (images.list().stream().noneMatch(i -> i.target().digest().equals(id))) {
          root.out().println("Deleted: " + id);
        }
      });
    }
  }
}
