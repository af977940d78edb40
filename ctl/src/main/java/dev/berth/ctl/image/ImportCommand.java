package dev.berth.ctl.image;

import dev.berth.client.containers.RootfsImporter;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImportOptions;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl import}: Docker's import of a root filesystem tar as an image. */
@Command(name = "import",
    description = {"Make an image of one layer from a root filesystem tar (plain, gzip or zstd; what export writes), "
        + "read from FILE or from stdin (-), and print its id.",
        "--change sets the image's run settings with Dockerfile instructions: CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, "
            + "VOLUME, USER, WORKDIR, STOPSIGNAL. Without a REPOSITORY[:TAG] the image is kept untagged, known by its id (listed as <none>)."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl export web | berthctl import - web-flat:1",
        "  berthctl import -c 'CMD [\"/bin/sh\"]' -c 'ENV LANG=C.UTF-8' -m 'from rootfs' rootfs.tar.gz base:1"})
public final class ImportCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-c", "--change"}, paramLabel = "INSTRUCTION", description = "a Dockerfile instruction (repeatable)")
  List<String> changes = new ArrayList<>();

  @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE", description = "the history step's comment")
  String message;

  @Parameters(index = "0", paramLabel = "FILE", description = "the tar, or - for stdin")
  String file;

  @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]", description = "the new image's name")
  String reference;

  @Override
  public Integer call() throws IOException {
    NewImageArguments arguments = NewImageArguments.check(reference, changes);
    RootfsImporter.Order order = new RootfsImporter.Order(reference, message, arguments.changes(),
        ImportOptions.DEFAULT_SNAPSHOTTER);
    Image image;
    try (InputStream in = file.equals("-") ? root.io().in() : Files.newInputStream(Path.of(file));
        Connection c = root.connect()) {
      image = new RootfsImporter(c.channel()).importFrom(in, order);
    } catch (NoSuchFileException e) {
      throw new CommandFailure("open " + file + ": no such file or directory", e);
    }
    root.out().println(image.target().digest());
    return 0;
  }
}
