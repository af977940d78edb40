package dev.berth.ctl.image;

import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl rmi}: removes image names. */
@Command(name = "rmi",
    description = "Remove images (their names); content and snapshots no image refers to stay until "
        + "garbage collection. Prints each name removed.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl rmi busybox", "  berthctl images -q | xargs berthctl rmi"})
public final class RmiCommand implements Callable<Integer> {
  @ParentCommand
  private BerthCtl root;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "images to remove")
  private List<String> names;

  @Override
  public Integer call() {
    try (Connection c = root.connect()) {
      ImageClient images = new ImageClient(c.channel());
      return root.each(names, name -> {
        String stored = ErrorHandler.naming("image", name, () -> images.resolve(name)).name();
        ErrorHandler.naming("image", name, () -> {
          images.remove(stored);
          return null;
        });
        root.out().println("Untagged: " + ImageNames.familiar(stored));
      });
    }
  }
}
