package dev.berth.ctl.image;

import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.output.AtomicOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl save}: images to one archive that docker load and OCI tools both read. */
@Command(name = "save",
    description = "Save images, with the content of every platform of theirs that is here, to a tar that is both a "
        + "docker save archive (this platform's) and an OCI image layout.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl save -o busybox.tar busybox", "  berthctl save busybox app:1.0 | gzip > images.tar.gz"})
public final class SaveCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "write to FILE (replaced atomically once complete; default: stdout)")
  Path output;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "images to save")
  List<String> names;

  @Override
  public Integer call() throws IOException {
    if (output == null) {
      root.io().requireNonTerminalOut();
    }
    try (Connection c = root.connect()) {
      ImageClient images = new ImageClient(c.channel());
      List<Image> chosen = names.stream()
          .flatMap(name -> NoSuchImage.naming(name, () -> images.forSave(name)).stream())
          .toList();
      if (output == null) {
        root.out().flush();
        OutputStream out = new BufferedOutputStream(root.io().out(), 1 << 16);
        images.export(chosen, out);
        out.flush();
      } else {
        AtomicOutput.write(output, out -> images.export(chosen, out));
      }
    }
    return 0;
  }
}
