package dev.berth.client.build;

import dev.berth.client.containers.DockerfileWords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The files COPY's and ADD's here-document sources make, as BuildKit's frontend makes them: each
 * named after its here-document (on this host by index), mode 0644, its text with the stage's variables replaced unless
 * the here-document's name was quoted. They are written to a directory of this host for the copy,
 * removed on closing.
 */
record InlineFiles(CopySource source, List<CopySource.Found> found) implements AutoCloseable {
  static InlineFiles of(List<Heredoc> heredocs, Function<String, String> variables) throws IOException {
    Path dir = Files.createTempDirectory("berthctl-build-heredoc");
    List<CopySource.Found> found = new ArrayList<>();
    for (int n = 0; n < heredocs.size(); n++) {
      Heredoc h = heredocs.get(n);
      // written by index: the name, from the Dockerfile, never makes a path of this host
      Path file = dir.resolve(String.valueOf(n));
      Files.writeString(file, h.expand() ? DockerfileWords.heredoc(h.text(), variables) : h.text());
      Files.setAttribute(file, "unix:mode", 0644);
      found.add(new CopySource.Found(h.name(), file.getFileName().toString()));
    }
    return new InlineFiles(new CopySource(dir, p -> true), found);
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> walk = Files.walk(source.root())) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
