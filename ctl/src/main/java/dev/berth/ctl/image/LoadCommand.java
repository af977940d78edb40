package dev.berth.ctl.image;

import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImportListener;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.images.ImportResult;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl load}: images from an archive into the content store, unpacked into snapshots. */
@Command(name = "load",
    description = "Load images from a docker save or OCI image layout archive (a tar, plain or gzip/zstd "
        + "compressed) and unpack them into snapshots. Prints each image loaded.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl load -i busybox.tar", "  docker save busybox | berthctl load",
        "  berthctl load -i app.oci.tar.gz --no-unpack"})
public final class LoadCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "read the archive from FILE (default: stdin)")
  Path input;

  @Option(names = "--no-unpack", description = "store the images without unpacking their layers")
  boolean noUnpack;

  @Option(names = "--snapshotter", paramLabel = "NAME", defaultValue = ImportOptions.DEFAULT_SNAPSHOTTER,
      description = "snapshotter to unpack into (default: ${DEFAULT-VALUE})")
  String snapshotter;

  @Option(names = "--base-name", paramLabel = "REPOSITORY",
      description = "repository for OCI reference names that are only a tag (default: import-<date>)")
  String baseName;

  @Option(names = "--progress", description = "show progress bars even when stderr is no terminal")
  boolean forceProgress;

  @Option(names = {"-q", "--quiet"}, description = "no progress bars, only the images loaded")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    boolean fromStdin = input == null || input.toString().equals("-");
    if (fromStdin && root.io().inIsTerminal()) {
      // a terminal brings no archive: Docker's client refuses rather than wait for one
      throw new CommandFailure("requested load from stdin, but stdin is empty");
    }
    long size = fromStdin ? -1 : Files.size(input);
    ImportResult result;
    try (InputStream in = fromStdin ? root.io().in() : Files.newInputStream(input);
        Connection c = root.connect();
        LoadProgress progress = quiet ? null : new LoadProgress(root.io(), forceProgress, size)) {
      ImportOptions options = ImportOptions.defaults()
          .withUnpack(!noUnpack)
          .withSnapshotter(snapshotter)
          .withBaseName(baseName)
          .withListener(progress == null ? ImportListener.NONE : progress);
      result = new ImageClient(c.channel()).importArchive(in, options);
    }
    if (result.images().isEmpty()) {
      throw new CommandFailure("the archive names no image: its content is stored, but no image refers to it");
    }
    // Docker's words: an unnamed image (its moby-dangling record) by id
    result.images().forEach(i -> root.out().println(i.image().name().startsWith(ImageNames.DANGLING_REPOSITORY + "@")
        ? "Loaded image ID: " + i.image().target().digest()
        : "Loaded image: " + ImageNames.familiar(i.image().name())));
    return 0;
  }
}
