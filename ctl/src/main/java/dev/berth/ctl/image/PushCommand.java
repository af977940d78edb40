package dev.berth.ctl.image;

import berth.transfer.v1.PushRequest;
import berth.transfer.v1.TransferDone;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.registry.TransferClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl push}: an image to a registry, through berthd's Transfer API. */
@Command(name = "push",
    description = "Push an image to the registry its name points at (tag it first: berthctl tag busybox "
        + "registry.example:5000/busybox:1). Blobs the registry has are not sent again; blobs another "
        + "repository of the same registry has are mounted from there.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl push registry.example:5000/team/app:1",
        "  berthctl push --all-platforms 127.0.0.1:5000/multi:1"})
public final class PushCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "the platform to push from a multi-platform image (default: this host's)")
  String platform = "";

  @Option(names = "--all-platforms", description = "push every platform of a multi-platform image")
  boolean allPlatforms;

  @Option(names = {"-a", "--all-tags"}, description = "push every tag of the repository IMAGE names (without a tag)")
  boolean allTags;

  @Option(names = {"-q", "--quiet"}, description = "print only the pushed digest")
  boolean quiet;

  @Option(names = "--insecure", description = "allow plain HTTP to this registry (loopback ones always are)")
  boolean insecure;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "the image, named as it goes to the registry")
  String image;

  @Override
  public Integer call() {
    try (Connection c = root.connect()) {
      List<String> names = names(new ImageClient(c.channel()));
      TransferClient transfer = new TransferClient(c.channel(), root.registryCredentials());
      PullProgress progress = new PullProgress(root.io().err(), root.io().errIsTerminal(), true);
      if (!quiet) {
        root.io().err().println("The push refers to repository [" + ImageNames.familiar(names.get(0))
            .replaceFirst("[:@][^/]*$", "") + "]");
      }
      for (String name : names) {
        TransferDone done = transfer.push(PushRequest.newBuilder().setImage(name).setPlatform(platform)
            .setAllPlatforms(allPlatforms).setInsecure(insecure).build(), quiet ? p -> { } : progress);
        if (quiet) {
          root.out().println(done.getDigest());
        } else {
          String tag = ImageNames.ociRefName(done.getResolved());
          root.out().println(tag + ": digest: " + done.getDigest());
        }
      }
    }
    return 0;
  }

  /** The image IMAGE names, or with -a every tag of its repository here, in name order. */
  private List<String> names(ImageClient images) {
    if (!allTags) {
      return List.of(images.resolve(image).name());
    }
    if (image.contains("@") || image.lastIndexOf(':') > image.lastIndexOf('/')) {
      throw new CommandFailure("tag can't be used with --all-tags/-a");
    }
    String repository;
    try {
      repository = ImageNames.repository(ImageNames.normalize(image));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage());
    }
    List<String> tagged = images.list().stream().map(Image::name)
        .filter(n -> n.startsWith(repository + ":") && ImageNames.repository(n).equals(repository)).sorted().toList();
    if (tagged.isEmpty()) {
      throw new CommandFailure("An image does not exist locally with the tag: " + ImageNames.familiar(repository));
    }
    return tagged;
  }
}
