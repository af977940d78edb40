package dev.berth.client.build;

import dev.berth.client.spec.RootfsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where COPY and ADD take files from: the build context (what of it Docker's CLI would send, as
 * {@code included} tells), or with {@code --from} an earlier stage's or an image's root file system.
 */
public record CopySource(Path root, Predicate<String> included) {
  /**
   * A source found: {@code name} as the instruction named it (or its pattern matched it), which
   * names what is copied into a directory; {@code path} where it is, every symlink on the way
   * resolved inside the root. Both relative, {@code /}-separated, {@code ""} for the root.
   */
  record Found(String name, String path) {}

  /** Whether a source names files by pattern, as Docker's builder tells (filepath.Match's special characters). */
  static boolean wildcard(String source) {
    return source.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
  }

  /**
   * The sources a source names: the one it names, or those its pattern matches, each resolved
   * inside the root as Docker's builder follows links in the context (a link to {@code /etc}
   * is the context's {@code etc}, never the host's). Empty when none is there, or it or what it
   * resolves to is excluded (Docker's CLI does not send what .dockerignore leaves out).
   */
  List<Found> resolve(String source) {
    String cleaned = DockerIgnore.clean(source.startsWith("/") ? source.substring(1) : source);
    if (cleaned.equals("..") || cleaned.startsWith("../")) {
      throw new BuildStepException("Forbidden path outside the build context: " + source + " ()", 1);
    }
    String rel = cleaned.equals(".") ? "" : cleaned;
    if (!wildcard(rel)) {
      return found(rel).map(List::of).orElse(List.of());
    }
    Pattern pattern = Pattern.compile(DockerIgnore.regex(rel));
    List<Found> matches = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.map(p -> root.relativize(p).toString()).filter(p -> !p.isEmpty())
          .filter(p -> pattern.matcher(p).matches()).sorted().forEach(p -> found(p).ifPresent(matches::add));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return matches;
  }

  private Optional<Found> found(String rel) {
    if (rel.isEmpty()) {
      return Optional.of(new Found("", ""));
    }
    String path = root.relativize(RootfsFiles.pathInside(root, "/" + rel)).toString();
    boolean present = Files.exists(root.resolve(path), LinkOption.NOFOLLOW_LINKS);
    return present && included.test(rel) && (path.isEmpty() || included.test(path))
        ? Optional.of(new Found(rel, path)) : Optional.empty();
  }
}
