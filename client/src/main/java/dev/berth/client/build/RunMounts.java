package dev.berth.client.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a RUN's container mounts beside its image, as {@code --mount} flags of {@code run}, and the
 * directories on this host made for them, removed on closing. berthctl build mounts its stages'
 * snapshots on this host already, so berthd is on it too.
 */
final class RunMounts implements AutoCloseable {
  private final List<String> flags = new ArrayList<>();
  private final List<Path> made = new ArrayList<>();

  List<String> flags() {
    return List.copyOf(flags);
  }

  /** A here-document that starts with {@code #!}, executable at {@code /dev/pipes/NAME}, read-only. */
  void script(Heredoc script) throws IOException {
    Path dir = Files.createTempDirectory("berthctl-build-pipes");
    made.add(dir);
    Path file = dir.resolve(script.name());
    Files.writeString(file, script.text());
    Files.setAttribute(file, "unix:mode", 0755);
    bind(dir, RunCommand.PIPES, true);
  }

  void bind(Path source, String target, boolean readOnly) {
    flags.add("type=bind,source=" + source + ",target=" + target + (readOnly ? ",readonly" : ""));
  }

  @Override
  public void close() throws IOException {
    for (Path dir : made) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
