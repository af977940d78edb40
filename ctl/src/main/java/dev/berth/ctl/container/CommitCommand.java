package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerCommitter;
import dev.berth.client.images.Image;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.image.NewImageArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl commit}: a new image from a container's changes, as docker commit makes it. */
@Command(name = "commit",
    description = {"Make an image of a container's changes: its writable layer becomes one more layer on its image, "
        + "with a history step (and the author and message given). The new image is unpacked and its id printed.",
        "A running container is paused meanwhile unless --pause=false. Volumes and binds are not part of it. "
            + "Without a REPOSITORY[:TAG] the image is kept untagged, known by its id (listed as <none>)."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl commit web web-snapshot:1", "  berthctl commit -a 'Ann <ann@example.org>' -m 'add page' web site:2",
        "  berthctl commit -c 'CMD [\"httpd\", \"-f\"]' -c 'EXPOSE 80' web site:3"})
public final class CommitCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-a", "--author"}, paramLabel = "AUTHOR", description = "the image's author")
  String author;

  @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE", description = "the history step's comment")
  String message;

  @Option(names = {"-c", "--change"}, paramLabel = "INSTRUCTION",
      description = "a Dockerfile instruction over the container's settings: CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, "
          + "VOLUME, USER, WORKDIR, STOPSIGNAL (repeatable)")
  List<String> changes = new ArrayList<>();

  @Option(names = {"-p", "--pause"}, negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "pause a running container during the commit (default)")
  boolean pause;

  @Parameters(index = "0", paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]", description = "the new image's name")
  String reference;

  @Override
  public Integer call() {
    NewImageArguments arguments = NewImageArguments.check(reference, changes);
    try (Connection c = root.connect()) {
      Image image = new ContainerCommitter(c.channel()).commit(new ContainerCommitter.Order(
          ContainerArgument.resolve(c.channel(), container), reference, author, message, pause, arguments.changes()));
      root.out().println(image.target().digest());
    }
    return 0;
  }
}
