package dev.berth.client.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where COPY and ADD take files from: the build context (without what .dockerignore leaves out),
 * or with {@code --from} an earlier stage's or an image's root file system.
 */
public record CopySource(Path root, Predicate<String> included) {
  /** Whether a source names files by pattern, as Docker's builder tells (filepath.Match's special characters). */
  static boolean wildcard(String source) {
    return source.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
  }

  /**
   * The paths (relative, {@code /}-separated; {@code ""} for the root) a source names: the one it
   * names, or those its pattern matches. Empty when none is there or all are excluded.
   */
  List<String> resolve(String source) {
    String cleaned = DockerIgnore.clean(source.startsWith("/") ? source.substring(1) : source);
    if (cleaned.equals("..") || cleaned.startsWith("../")) {
      throw new BuildStepException("Forbidden path outside the build context: " + source + " ()", 1);
    }
    String rel = cleaned.equals(".") ? "" : cleaned;
    if (!wildcard(rel)) {
      boolean present = Files.exists(root.resolve(rel), LinkOption.NOFOLLOW_LINKS);
      return present && (rel.isEmpty() || included.test(rel)) ? List.of(rel) : List.of();
    }
    Pattern pattern = Pattern.compile(DockerIgnore.regex(rel));
    List<String> matches = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.map(p -> root.relativize(p).toString()).filter(p -> !p.isEmpty())
          .filter(p -> pattern.matcher(p).matches() && included.test(p)).sorted().forEach(matches::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return matches;
  }
}
