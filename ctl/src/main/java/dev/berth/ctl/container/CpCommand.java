package dev.berth.ctl.container;

import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.HostCommands;
import dev.berth.client.containers.TarStreams;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DockerExitCodes;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl cp}: files between a container and the host. */
@Command(name = "cp",
    description = {"Copy a file or directory from a container to the host, or from the host into a container. "
        + "Paths inside the container resolve symlinks as the container sees them. Into an existing directory, "
        + "the source keeps its name.",
        "A running container is reached through its process's root; a stopped one through its snapshot, "
        + "mounted for the copy (volumes and bind mounts are then not part of it).",
        "- as SRC reads a tar archive from stdin and unpacks it into the container's directory DEST; "
        + "- as DEST writes SRC to stdout as a tar archive."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl cp web:/etc/hostname .", "  berthctl cp ./site web:/www", "  berthctl cp web:/var/log /tmp/web-logs",
        "  berthctl cp web:/var/log - | tar -tv", "  tar -c site | berthctl cp - web:/www"})
public final class CpCommand implements Callable<Integer>, DockerExitCodes {
  /** Docker's name for a tar stream on stdin or stdout in place of a host path. */
  private static final String STREAM = "-";
  @ParentCommand
  private BerthCtl root;

  @Parameters(index = "0", paramLabel = "SRC", description = "CONTAINER:PATH or a host path")
  private String source;

  @Parameters(index = "1", paramLabel = "DEST", description = "CONTAINER:PATH or a host path")
  private String destination;

  @Override
  public Integer call() throws IOException {
    boolean fromContainer = inContainer(source);
    if (fromContainer == inContainer(destination)) {
      throw new CommandFailure("copying needs exactly one of SRC and DEST as CONTAINER:PATH");
    }
    boolean stream = STREAM.equals(fromContainer ? destination : source);
    String containerSide = fromContainer ? source : destination;
    int colon = containerSide.indexOf(':');
    String path = containerSide.substring(colon + 1);
    if (path.isEmpty()) {
      path = "/";
    }
    try (Connection c = root.connect()) {
      ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), containerSide.substring(0, colon)));
      try (ContainerRoot rootfs = ContainerRoot.of(c, s)) {
        String containerPath = path.startsWith("/") ? path : "/" + path;
        Path inside = RootfsFiles.pathInside(rootfs.path(), containerPath);
        if (stream && fromContainer) {
          if (!Files.exists(inside, LinkOption.NOFOLLOW_LINKS)) {
            throw new CommandFailure("no such file or directory: " + source);
          }
          String[] names = containerPath.split("/");
          TarStreams.write(inside, names.length == 0 ? "" : names[names.length - 1], root.io().out());
        } else if (stream) {
          if (!Files.isDirectory(inside)) {
            throw new CommandFailure("destination \"" + destination + "\" must be a directory");
          }
          TarStreams.extract(root.io().in(), rootfs.path(), containerPath);
        } else if (fromContainer) {
          copy(inside, Path.of(destination), source);
        } else {
          copy(Path.of(source), inside, destination);
        }
      }
    }
    return 0;
  }

  /** {@code NAME:PATH}, where NAME holds no '/' (so ./a:b and /x:y are host paths). */
  private static boolean inContainer(String argument) {
    int colon = argument.indexOf(':');
    return colon > 0 && !argument.substring(0, colon).contains("/");
  }

  private static void copy(Path from, Path to, String fromText) throws IOException {
    if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
      throw new CommandFailure("no such file or directory: " + fromText);
    }
    Path target = Files.isDirectory(to) ? to.resolve(from.getFileName() == null ? "" : from.getFileName().toString()) : to;
    if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> tree = Files.walk(from)) {
        for (Path p : (Iterable<Path>) tree::iterator) {
          copyOne(p, target.resolve(from.relativize(p).toString()));
        }
      }
    } else {
      copyOne(from, target);
    }
  }

  private static void copyOne(Path from, Path to) throws IOException {
    try {
      if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
          LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no such directory: " + to.getParent(), e);
    } catch (FileAlreadyExistsException e) {
      throw new CommandFailure("cannot overwrite " + to, e);
    }
  }

  /** A container's root file system on this host for the length of a copy. */
  private static final class ContainerRoot implements AutoCloseable {
    private final Path path;
    private final boolean mounted;

    private ContainerRoot(Path path, boolean mounted) {
      this.path = path;
      this.mounted = mounted;
    }

    static ContainerRoot of(Connection c, ContainerState s) throws IOException {
      if (s.running()) {
        return new ContainerRoot(Path.of("/proc", Integer.toString(s.pid()), "root"), false);
      }
      List<Mount> mounts = SnapshotsGrpc.newBlockingStub(c.channel()).mounts(MountsRequest.newBuilder()
          .setSnapshotter(s.record().getSnapshotter()).setKey(s.record().getSnapshotKey()).build()).getMountsList();
      Path dir = Files.createTempDirectory("berthctl-cp");
      try {
        for (Mount m : mounts) {
          HostCommands.mount(m, dir);
        }
      } catch (IOException | RuntimeException e) {
        Files.delete(dir);
        throw e;
      }
      return new ContainerRoot(dir, true);
    }

    Path path() {
      return path;
    }

    @Override
    public void close() throws IOException {
      if (mounted) {
        HostCommands.unmount(path);
        Files.delete(path);
      }
    }
  }
}
