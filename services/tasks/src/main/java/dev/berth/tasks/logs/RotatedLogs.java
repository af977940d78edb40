package dev.berth.tasks.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The older files of a log kept as Docker's json-file driver keeps them with {@code max-file}:
 * {@code <log>.1} the one before {@code <log>}, {@code <log>.2} the one before that, and so on.
 * The kubelet's own rotated files ({@code 0.log.20240301-101010}) never match these names.
 */
public final class RotatedLogs {
  private RotatedLogs() {}

  /** {@code <log>.<n>}. */
  public static Path rotated(Path log, int n) {
    return log.resolveSibling(log.getFileName() + "." + n);
  }

  /**
   * Moves every file one place older, {@code <log>} to {@code <log>.1}, each by a rename, so a
   * reader or the writer holding one keeps it; what would be the {@code maxFiles}-th older file
   * is dropped. The caller has the writer open a new {@code <log>}.
   */
  public static void shift(Path log, int maxFiles) throws IOException {
    for (int n = maxFiles - 2; n >= 1; n--) {
      try {
        Files.move(rotated(log, n), rotated(log, n + 1), StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        // fewer older files yet
      }
    }
    Files.move(log, rotated(log, 1), StandardCopyOption.ATOMIC_MOVE);
  }

  /** The older files there are, oldest first, then {@code log} itself (whether it exists or not). */
  public static List<Path> oldestFirst(Path log) throws IOException {
    Map<Integer, Path> older = new TreeMap<>(Comparator.reverseOrder());
    Pattern name = Pattern.compile(Pattern.quote(log.getFileName().toString()) + "\\.([1-9][0-9]{0,8})");
    try (Stream<Path> files = Files.list(log.getParent())) {
      files.forEach(f -> {
        Matcher m = name.matcher(f.getFileName().toString());
        if (m.matches()) {
          older.put(Integer.parseInt(m.group(1)), f);
        }
      });
    } catch (NoSuchFileException e) {
      // no directory, no files
    }
    List<Path> all = new ArrayList<>(older.values());
    all.add(log);
    return all;
  }

  /** Deletes the older files, as the container is removed. */
  public static void removeOlder(Path log) throws IOException {
    List<Path> all = oldestFirst(log);
    for (Path f : all.subList(0, all.size() - 1)) {
      Files.deleteIfExists(f);
    }
  }
}
