package dev.berth.ctl.image;

import berth.transfer.v1.PullRequest;
import berth.transfer.v1.TransferDone;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.registry.TransferClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl pull}: an image from a registry, through berthd's Transfer API. */
@Command(name = "pull",
    description = "Pull an image from a registry and unpack it. Docker Hub names are short: busybox is "
        + "docker.io/library/busybox:latest. Uses the credentials of 'berthctl login'; registries on "
        + "loopback addresses are spoken to in plain HTTP.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl pull busybox", "  berthctl pull registry.example:5000/team/app@sha256:…",
        "  berthctl pull --platform linux/arm64 alpine:3", "  berthctl pull -q 127.0.0.1:5000/busybox:1"})
public final class PullCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "the platform to pull from a multi-platform image (default: this host's)")
  String platform = "";

  @Option(names = "--all-platforms", description = "pull every platform of a multi-platform image")
  boolean allPlatforms;

  @Option(names = {"-a", "--all-tags"}, description = "Docker's every tag of the repository: refused, name each tag")
  boolean allTags;

  @Option(names = {"-q", "--quiet"}, description = "print only the image's name")
  boolean quiet;

  @Option(names = "--insecure", description = "allow plain HTTP to this registry (loopback ones always are)")
  boolean insecure;

  @Option(names = "--no-unpack", description = "store the image without unpacking its layers")
  boolean noUnpack;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "the image reference")
  String image;

  @Override
  public Integer call() {
    if (allTags) {
      throw new CommandFailure("pulling every tag of a repository (-a, --all-tags) is not supported: name each tag");
    }
    if (!quiet && ImageNames.isValid(image) && ImageNames.repository(image).equals(image) && !image.contains("@")) {
      root.out().println("Using default tag: latest");
    }
    try (Connection c = root.connect()) {
      TransferDone done = pull(root, c, image, PullRequest.newBuilder().setPlatform(platform)
          .setAllPlatforms(allPlatforms).setUnpack(!noUnpack).setInsecure(insecure), quiet);
      // the full name, as Docker's CLI ends its pull (docker.io/library/busybox:latest)
      root.out().println(done.getResolved());
    } catch (StatusRuntimeException e) {
      // what Docker's daemon refuses before its pull's output starts, under its heading
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.NOT_FOUND || code == Status.Code.PERMISSION_DENIED) {
        throw new DaemonError(e.getStatus().getDescription(), e);
      }
      throw e;
    }
    return 0;
  }

  /**
   * Pulls {@code reference}, with Docker's progress on stderr unless {@code quiet}; what
   * {@code run} and {@code create} do for a missing image too.
   */
  public static TransferDone pull(BerthCtl root, Connection c, String reference, PullRequest.Builder request,
      boolean quiet) {
    TransferClient transfer = new TransferClient(c.channel(), root.registryCredentials());
    String full = ImageNames.isValid(reference) ? ImageNames.normalize(reference) : reference;
    // Docker's "up to date" means the name already named this image, whatever was fetched
    Optional<String> before = ImageNames.isValid(reference)
        ? new ImageClient(c.channel()).find(full).map(i -> i.target().digest()) : Optional.empty();
    int at = full.indexOf('@');
    String tag = at >= 0 ? full.substring(at + 1) : full.substring(full.lastIndexOf(':') + 1);
    // Docker names the repository by its path on the registry, once the manifest is there
    String path = ImageNames.repository(full).substring(ImageNames.repository(full).indexOf('/') + 1);
    PullProgress progress = new PullProgress(root.io().err(), root.io().errIsTerminal(), false,
        tag + ": Pulling from " + path);
    TransferDone done = transfer.pull(request.setReference(reference).build(), quiet ? p -> { } : progress);
    if (!quiet) {
      progress.headingOnce();
      root.io().err().println("Digest: " + done.getDigest());
      boolean upToDate = before.isPresent() && before.get().equals(done.getImage().getTarget().getDigest());
      root.io().err().println("Status: " + (upToDate ? "Image is up to date for " : "Downloaded newer image for ")
          + ImageNames.familiar(done.getResolved()));
    }
    return done;
  }
}
