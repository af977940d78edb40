package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerState;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.output.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl export}: a container's file system as one tar archive, as {@code docker export} writes it. */
@Command(name = "export",
    description = {"Write a container's file system as a tar archive (to stdout unless -o).",
        "A running container's is read through its process's root, as it is while it runs on, with what "
            + "is mounted in it (volumes, binds) but without the kernel's file systems' content (/proc, /sys); a stopped one's from its snapshot. "
            + "Device nodes, FIFOs and sockets are left out."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl export web > web.tar", "  berthctl export -o web.tar web"})
public final class ExportCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "write to FILE (replaced atomically once complete; default: stdout)")
  Path output;

  @Parameters(paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Override
  public Integer call() throws IOException {
    if (output == null) {
      root.io().requireNonTerminalOut();
    }
    try (Connection c = root.connect()) {
      ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), container));
      if (output == null) {
        root.out().flush();
        CpCommand.archiveRoot(c, s, root.io().out());
      } else {
        AtomicOutput.write(output, out -> CpCommand.archiveRoot(c, s, out));
      }
    }
    return 0;
  }
}
