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
 * {@code <log>.1} the one before {@code <log>}, {@code <log>.2} the one before that, and so on,
 * each {@code <log>.<n>.gz} instead once compressed ({@link CompressedLog}). The kubelet's own
 * rotated files ({@code 0.log.20240301-101010}) never match these names.
 */
public final class RotatedLogs {
  private RotatedLogs() {}

  /** {@code <log>.<n>}. */
  public static Path rotated(Path log, int n) {
    return log.resolveSibling(log.getFileName() + "." + n);
  }

  /** {@code <log>.<n>.gz}. */
  public static Path compressed(Path log, int n) {
    return CompressedLog.gz(rotated(log, n));
  }

  /**
   * Moves every file one place older, {@code <log>} to {@code <log>.1}, each by a rename, so a
   * reader or the writer holding one keeps it; what would be the {@code maxFiles}-th older file
   * is dropped first, so that no rename lands a plain file beside a compressed one of the same
   * place. The caller has the writer open a new {@code <log>}.
   */
  public static void shift(Path log, int maxFiles) throws IOException {
    if (maxFiles > 1) {
      Files.deleteIfExists(rotated(log, maxFiles - 1));
      Files.deleteIfExists(compressed(log, maxFiles - 1));
    }
    for (int n = maxFiles - 2; n >= 1; n--) {
      moveIfThere(rotated(log, n), rotated(log, n + 1));
      moveIfThere(compressed(log, n), compressed(log, n + 1));
    }
    Files.move(log, rotated(log, 1), StandardCopyOption.ATOMIC_MOVE);
  }

  private static void moveIfThere(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // fewer older files yet
    }
  }

  /**
   * Compresses the older files still plain, and finishes what a compression cut short left: a
   * place with both files holds the same lines twice (the compressed copy is whole once it has
   * its name), so the plain one goes. {@code <log>.1} must be written no more: the monitor has
   * opened its new log, or ended.
   */
  static void compressOlder(Path log) throws IOException {
    for (Place p : places(log).values()) {
      if (p.gz() != null && p.plain() != null) {
        Files.delete(p.plain());
      } else if (p.plain() != null) {
        CompressedLog.compress(p.plain());
      } else if (p.partial() != null) {
        // a compression cut short whose plain file has moved on since: it is compressed in its new place
        Files.delete(p.partial());
      }
    }
  }

  /**
   * The older files there are, oldest first, then {@code log} itself (whether it exists or not).
   * Of a place with both files (its compression under way) the plain one, so no line comes twice.
   */
  public static List<Path> oldestFirst(Path log) throws IOException {
    List<Path> all = new ArrayList<>();
    for (Place p : places(log).values()) {
      if (p.plain() != null || p.gz() != null) {
        all.add(p.plain() != null ? p.plain() : p.gz());
      }
    }
    all.add(log);
    return all;
  }

  /** Deletes the older files, compressed or not and any compression's leftover, as the container is removed. */
  public static void removeOlder(Path log) throws IOException {
    for (Place p : places(log).values()) {
      for (Path f : new Path[] {p.plain(), p.gz(), p.partial()}) {
        if (f != null) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** The files of one older place, null where there is none. */
  private record Place(Path plain, Path gz, Path partial) {
    Place with(Path file, String suffix) {
      return switch (suffix) {
        case "" -> new Place(file, gz, partial);
        case ".gz" -> new Place(plain, file, partial);
        default -> new Place(plain, gz, file);
      };
    }
  }

  /** The older places, oldest (highest number) first. */
  private static Map<Integer, Place> places(Path log) throws IOException {
    Map<Integer, Place> places = new TreeMap<>(Comparator.reverseOrder());
    Pattern name = Pattern.compile(
        Pattern.quote(log.getFileName().toString()) + "\\.([1-9][0-9]{0,8})(|\\.gz|\\.gz\\.tmp)");
    try (Stream<Path> files = Files.list(log.getParent())) {
      files.forEach(f -> {
        Matcher m = name.matcher(f.getFileName().toString());
        if (m.matches()) {
          places.merge(Integer.parseInt(m.group(1)), new Place(null, null, null).with(f, m.group(2)),
              (a, b) -> a.with(f, m.group(2)));
        }
      });
    } catch (NoSuchFileException e) {
      // no directory, no files
    }
    return places;
  }
}
