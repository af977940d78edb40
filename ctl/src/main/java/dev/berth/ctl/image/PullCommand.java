package dev.berth.ctl.image;

import berth.transfer.v1.PullRequest;
import berth.transfer.v1.TransferDone;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.Platform;
import dev.berth.client.registry.TransferClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
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
        + "loopback addresses are spoken to in plain HTTP. With -a, every tag the registry lists for the "
        + "repository, one after the other.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl pull busybox", "  berthctl pull registry.example:5000/team/app@sha256:…",
        "  berthctl pull --platform linux/arm64 alpine:3", "  berthctl pull -q 127.0.0.1:5000/busybox:1",
        "  berthctl pull -a 127.0.0.1:5000/team/app"})
public final class PullCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "the platform to pull from a multi-platform image (default: this host's)")
  String platform = "";

  @Option(names = "--all-platforms", description = "pull every platform of a multi-platform image")
  boolean allPlatforms;

  @Option(names = {"-a", "--all-tags"}, description = "pull every tag of the repository (name it without a tag)")
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
    // parsed before the daemon is asked, as Docker's CLI parses it
    ReferenceFormat.normalize(image);
    if (allTags) {
      return pullAllTags();
    }
    if (!quiet && ImageNames.repository(image).equals(image) && !image.contains("@")) {
      root.out().println("Using default tag: latest");
    }
    try (Connection c = root.connect()) {
      TransferDone done = pull(root, c, image, request(), quiet);
      // the full name, as Docker's CLI ends its pull (docker.io/library/busybox:latest)
      root.out().println(done.getResolved());
    } catch (StatusRuntimeException e) {
      throw refused(e);
    }
    return 0;
  }

  /**
   * Docker's {@code pull -a}: every tag the registry lists for the repository, each with its
   * heading, layers and digest, then one status line for them all and the repository's full name.
   */
  private int pullAllTags() {
    if (image.contains("@") || !ImageNames.repository(image).equals(image)) {
      // Docker's CLI's words
      throw new CommandFailure("tag can't be used with --all-tags/-a");
    }
    try (Connection c = root.connect()) {
      List<String> tags = new TransferClient(c.channel(), root.registryCredentials()).tags(image, insecure);
      String repository = ImageNames.repository(ImageNames.normalize(image));
      boolean anyNew = false;
      for (String tag : tags) {
        anyNew |= pullTag(root, c, repository + ":" + tag, request(), quiet).brought();
      }
      if (!quiet) {
        status(root, ImageNames.familiarRepository(repository), anyNew);
      }
      root.out().println(repository);
    } catch (StatusRuntimeException e) {
      throw refused(e);
    }
    return 0;
  }

  private PullRequest.Builder request() {
    return PullRequest.newBuilder().setPlatform(platform).setAllPlatforms(allPlatforms).setUnpack(!noUnpack)
        .setInsecure(insecure);
  }

  /** What Docker's daemon refuses before its pull's output starts, under its heading. */
  private static RuntimeException refused(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.NOT_FOUND || code == Status.Code.PERMISSION_DENIED) {
      return new DaemonError(e.getStatus().getDescription(), e);
    }
    return e;
  }

  /**
   * Pulls {@code reference}, with Docker's progress on stderr unless {@code quiet}; what
   * {@code run} and {@code create} do for a missing image too.
   */
  public static TransferDone pull(BerthCtl root, Connection c, String reference, PullRequest.Builder request,
      boolean quiet) {
    PulledTag pulled = pullTag(root, c, reference, request, quiet);
    if (!quiet) {
      status(root, ImageNames.familiar(pulled.done().getResolved()), pulled.brought());
      if (!request.getPlatform().isEmpty()) {
        warnOfAnotherPlatform(root, c, pulled.done(), Platform.parse(request.getPlatform()));
      }
    }
    return pulled.done();
  }

  /**
   * Docker's daemon's warning after a pull whose {@code --platform} a single-platform image does not
   * match: the pull stands (as Docker's, for images that predate manifest lists), with its words.
   */
  private static void warnOfAnotherPlatform(BerthCtl root, Connection c, TransferDone done, Platform wanted) {
    Image image = Image.fromProto(done.getImage());
    if (!MediaTypes.isManifest(image.target().mediaType())) {
      return;
    }
    Platform actual = new ImageClient(c.channel()).configPlatform(image, wanted);
    if (!wanted.matches(actual)) {
      root.io().err().println("WARNING: image with reference " + ImageNames.familiar(done.getResolved())
          + " was found but its platform (" + actual + ") does not match the specified platform (" + wanted + ")");
    }
  }

  /** One tag pulled; {@code brought}: the name now names an image it did not name before (Docker's "newer image"). */
  private record PulledTag(TransferDone done, boolean brought) {}

  /** Pulls one reference with Docker's heading, layer lines and {@code Digest:}, short of the status line. */
  private static PulledTag pullTag(BerthCtl root, Connection c, String reference, PullRequest.Builder request,
      boolean quiet) {
    TransferClient transfer = new TransferClient(c.channel(), root.registryCredentials());
    String full = ImageNames.isValid(reference) ? ImageNames.normalize(reference) : reference;
    // Docker's "up to date" means the name already named this image, whatever was fetched
    Optional<String> before = ImageNames.isValid(reference) ? targetBefore(new ImageClient(c.channel()), full)
        : Optional.empty();
    int at = full.indexOf('@');
    // Docker 27's daemon heads a pull by digest with the whole reference, a pull by tag with the tag
    String tag = at >= 0 ? full : full.substring(full.lastIndexOf(':') + 1);
    // Docker names the repository by its path on the registry, once the manifest is there
    String path = ImageNames.repository(full).substring(ImageNames.repository(full).indexOf('/') + 1);
    PullProgress progress = new PullProgress(root.io().err(), root.io().errIsTerminal(), false,
        tag + ": Pulling from " + path);
    TransferDone done = transfer.pull(request.setReference(reference).build(), quiet ? p -> { } : progress);
    if (!quiet) {
      progress.headingOnce();
      root.io().err().println("Digest: " + done.getDigest());
    }
    boolean upToDate = before.isPresent() && before.get().equals(done.getImage().getTarget().getDigest());
    return new PulledTag(done, !upToDate);
  }

  /**
   * What {@code full} named here before the pull, as Docker 27's daemon looks it up (its
   * resolveImage): by name, or for {@code REPO@DIGEST} any image of that repository with that
   * digest, so that a tag already pulled makes a pull by its digest "up to date".
   */
  private static Optional<String> targetBefore(ImageClient images, String full) {
    int at = full.indexOf('@');
    if (at < 0) {
      return images.find(full).map(i -> i.target().digest());
    }
    String repository = full.substring(0, at);
    String digest = full.substring(at + 1);
    return images.list().stream()
        .filter(i -> i.target().digest().equals(digest) && ImageNames.isValid(i.name())
            && ImageNames.repository(ImageNames.normalize(i.name())).equals(repository))
        .map(i -> digest).findFirst();
  }

  /** Docker's last line of a pull, for {@code name} as Docker's daemon names it. */
  private static void status(BerthCtl root, String name, boolean brought) {
    root.io().err().println("Status: " + (brought ? "Downloaded newer image for " : "Image is up to date for ") + name);
  }
}
