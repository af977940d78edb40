package dev.berth.ctl.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DockerExitCodes;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.output.Inspections;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl image}: Docker's image management commands that have no top-level name. */
@Command(name = "image",
    description = "Manage images (see also images, load, save, tag, rmi).",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl image inspect busybox", "  berthctl image inspect -f '{{.Id}} {{.Os}}/{{.Architecture}}' busybox"})
public final class ImageCommand extends GroupCommand implements DockerExitCodes {
  @ParentCommand
  private BerthCtl root;

  @Command(name = "inspect",
      description = "Show images as a JSON array in Docker's shape: Id (the digest of the image's manifest or index, "
          + "as Docker's containerd image store has it), RepoTags, RepoDigests, Created, Config, Architecture, Os, "
          + "Size, RootFS.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl image inspect busybox", "  berthctl image inspect -f '{{json .Config.Env}}' busybox"})
  int inspect(@Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE",
          description = "a Go template printed per image, like '{{.Id}}', or json") String format,
      @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "names, ids or id prefixes") List<String> images)
      throws InterruptedException {
    List<ObjectNode> found = new ArrayList<>();
    int exit;
    try (Connection c = root.connect()) {
      ImageClient client = new ImageClient(c.channel());
      List<Image> all = client.list();
      exit = root.each(images, DockerExitCodes.FAILURE, name -> {
        found.add(ImageInspection.of(client, ImageInspection.resolve(client, name), all));
      });
    }
    Inspections.print(root.out(), format, found);
    return exit;
  }
}
