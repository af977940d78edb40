package dev.berth.ctl.image;

import berth.transfer.v1.PushRequest;
import berth.transfer.v1.TransferDone;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.Platform;
import dev.berth.client.registry.TransferClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.ClientRefusal;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.StreamedDaemonError;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
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
  /** Docker's CLI's note before a push with --platform. */
  static final String PLATFORM_NOTE = "Using --platform pushes only the specified platform manifest of a"
      + " multi-platform image index.\nOther components, like attestations, will not be included.\nTo push the"
      + " complete multi-platform image, remove the --platform flag.\n";
  /** Docker's CLI's note after a push that stopped for content not here (its lines without the source's tabs). */
  static final String CONTENT_MISSING_NOTE = "You're trying to push a manifest list/index which\nreferences multiple"
      + " platform specific manifests, but not all of them are available locally\nor available to the remote"
      + " repository.\n\nMake sure you have all the referenced content and try again.\n\nYou can also push only a"
      + " single platform specific manifest directly by specifying the platform you want to push with the --platform"
      + " flag.";

  @ParentCommand
  BerthCtl root;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "push only this platform's manifest, as a single-platform image (default: the whole image, "
          + "or this host's platform's manifest when other platforms were never pulled)")
  String platform = "";

  @Option(names = "--all-platforms", description = "push the whole multi-platform image or fail: never one platform "
      + "instead")
  boolean allPlatforms;

  @Option(names = {"-a", "--all-tags"}, description = "push every tag of the repository IMAGE names (without a tag)")
  boolean allTags;

  @Option(names = {"-q", "--quiet"}, description = "print only the reference pushed")
  boolean quiet;

  @Option(names = "--insecure", description = "allow plain HTTP to this registry (loopback ones always are)")
  boolean insecure;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "the image, named as it goes to the registry")
  String image;

  @Override
  public Integer call() {
    String asked = platformAsked();
    InfoNote note = new InfoNote(root.io().err(), root.io().errIsTerminal());
    if (!asked.isEmpty()) {
      // Docker's CLI's, once the platform is read and before the name is
      note.print(PLATFORM_NOTE);
    }
    String reference = reference();
    // Docker's CLI keeps the daemon's notes for the end, after the last tag's or the error's output
    List<String> notes = new ArrayList<>();
    try (Connection c = root.connect()) {
      TransferClient transfer = new TransferClient(c.channel(), root.registryCredentials());
      PullProgress progress = new PullProgress(root.io().err(), root.io().errIsTerminal(), true);
      String repository = ImageNames.repository(reference);
      if (!quiet) {
        root.io().err().println("The push refers to repository [" + repository + "]");
      }
      try {
        for (String name : names(new ImageClient(c.channel()), reference, repository)) {
          push(transfer, name, asked, progress, note, notes);
        }
        if (quiet) {
          // as Docker's -q: the reference pushed, in full
          root.out().println(reference);
        }
      } finally {
        root.out().flush();
        for (String text : notes) {
          root.io().err().println();
          note.print(text);
        }
      }
    }
    return 0;
  }

  private void push(TransferClient transfer, String name, String asked, PullProgress progress, InfoNote note,
      List<String> notes) {
    TransferDone done;
    try {
      done = transfer.push(PushRequest.newBuilder().setImage(name).setPlatform(asked)
          .setAllPlatforms(allPlatforms).setInsecure(insecure).build(), quiet ? p -> { } : progress,
          digest -> notes.add(CONTENT_MISSING_NOTE));
    } catch (StatusRuntimeException e) {
      throw ErrorHandler.asStreamed(e);
    }
    if (!done.getReplacedIndex().isEmpty()) {
      notes.add("Not all multiplatform-content is present and only the available single-platform image was pushed\n"
          + note.red(done.getReplacedIndex()) + " -> " + note.green(done.getDigest()));
    }
    if (!quiet) {
      root.out().println(ImageNames.ociRefName(done.getResolved()) + ": digest: " + done.getDigest() + " size: "
          + done.getSize());
    }
  }

  /**
   * --platform read as Docker's CLI reads it (containerd's platforms.Parse), in the form berthd
   * takes ({@code os/arch[/variant]}); empty when none is asked for. Refused before anything is
   * printed, as Docker's CLI refuses it: {@code Invalid platform P} and the parser's reason run
   * together on one line, exit 1.
   */
  private String platformAsked() {
    if (platform.isEmpty()) {
      return "";
    }
    Platform parsed;
    try {
      parsed = Platform.parseSpecifier(platform);
    } catch (IllegalArgumentException e) {
      throw new ClientRefusal("Invalid platform " + platform + e.getMessage());
    }
    if (allPlatforms) {
      throw new ClientRefusal("Conflicting options: --platform and --all-platforms");
    }
    return parsed.toString();
  }

  /** IMAGE in full, with Docker's default tag unless -a (then the repository alone). */
  private String reference() {
    String full = ReferenceFormat.normalize(image);
    boolean nameOnly = !image.contains("@") && ImageNames.repository(image).equals(image);
    if (allTags) {
      if (!nameOnly) {
        throw new CommandFailure("tag can't be used with --all-tags/-a");
      }
      return ImageNames.repository(full);
    }
    if (nameOnly && !quiet) {
      root.out().println("Using default tag: latest");
    }
    return full;
  }

  /**
   * The images to push: {@code reference}'s, or with -a every tag of its repository here, in name
   * order. Refused in the words Docker's daemon sends after naming the repository.
   */
  private static List<String> names(ImageClient images, String reference, String repository) {
    List<String> here = images.list().stream().map(Image::name).toList();
    List<String> tagged = here.stream()
        .filter(n -> n.startsWith(repository + ":") && ImageNames.repository(n).equals(repository)).sorted().toList();
    if (tagged.isEmpty() && here.stream().noneMatch(n -> n.startsWith(repository + "@"))) {
      throw new StreamedDaemonError("An image does not exist locally with the tag: " + ImageNames.familiarRepository(repository));
    }
    if (reference.equals(repository)) {
      if (tagged.isEmpty()) {
        throw new StreamedDaemonError("no tags to push for " + ImageNames.familiarRepository(repository));
      }
      return tagged;
    }
    if (reference.contains("@")) {
      throw new StreamedDaemonError("cannot push a digest reference");
    }
    if (images.find(reference).isEmpty()) {
      throw new StreamedDaemonError("tag does not exist: " + ImageNames.familiar(reference));
    }
    return List.of(reference);
  }
}
