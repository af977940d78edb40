package dev.berth.tasks.logs;

import berth.logs.v1.LogEntry;
import com.google.protobuf.Timestamp;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * Reads a CRI log line by line from a position on, while its monitor may still be appending: a
 * last line without its newline yet is left for a later read. Lines that are not CRI log lines
 * are skipped. A rotated log ({@link RotatedLogs}) is read across its files, oldest first, the
 * compressed ones uncompressed as they are reached.
 */
public final class CriLogReader implements Closeable {
  private static final Logger LOG = Logger.getLogger(CriLogReader.class.getName());
  /** conmon splits output at 8 KiB; a line far longer than that was not written by it. */
  static final int MAX_LINE = 64 * 1024;
  private static final int TAIL_BLOCK = 64 * 1024;
  /** Enough of a line's start to hold its time, stream and tags. */
  private static final int HEAD = 64;

  private final Path path;
  /** The file read now. */
  private Opened current;
  /**
   * The time of the last line read from {@link #current}: a rotated file, compressed since, is
   * found by it, its header holding its last line's time.
   */
  private Timestamp lastTime;
  /** The files to read after {@link #current}, oldest first: the newer of a log's rotated files. */
  private final Deque<Opened> ahead;
  /** Read but not yet consumed bytes, between position and limit. */
  private final ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE).flip();
  /** Inside an overlong line: its bytes are dropped up to its newline. */
  private boolean skipping;

  /**
   * An open file of the log and which file it is; a compressed one is uncompressed when first
   * read, so a tail takes only the files it reaches.
   */
  private static final class Opened {
    private final Object key;
    private FileChannel gz;
    private FileChannel file;

    private Opened(Object key, FileChannel gz, FileChannel file) {
      this.key = key;
      this.gz = gz;
      this.file = file;
    }

    static Opened open(Path path) throws IOException {
      FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
      try {
        Object key = fileKey(path);
        return CompressedLog.isCompressed(path) ? new Opened(key, file, null) : new Opened(key, null, file);
      } catch (IOException | RuntimeException e) {
        file.close();
        throw e;
      }
    }

    /**
     * Opens the older file at {@code path}, or its compressed copy when it has been compressed
     * since it was listed.
     */
    static Opened openOlder(Path path) throws IOException {
      try {
        return open(path);
      } catch (NoSuchFileException e) {
        if (CompressedLog.isCompressed(path)) {
          throw e;
        }
        return open(CompressedLog.gz(path));
      }
    }

    FileChannel file() throws IOException {
      if (file == null) {
        file = CompressedLog.decompressed(gz);
        gz.close();
        gz = null;
      }
      return file;
    }

    void close() throws IOException {
      if (file != null) {
        file.close();
      }
      if (gz != null) {
        gz.close();
      }
    }
  }

  /** Where a tail starts in one file, and how many of its lines it takes. */
  record Tail(long start, long lines) {}

  private CriLogReader(Path path, List<Opened> files) {
    this.path = path;
    this.ahead = new ArrayDeque<>(files);
    this.current = ahead.poll();
  }

  /** Opens the log at its start. */
  public static CriLogReader open(Path path) throws IOException {
    return open(path, OptionalLong.empty());
  }

  /**
   * Opens the log at the first of its last {@code tail} lines; at its end with 0, so that only
   * lines written from then on are read. A line the monitor split counts once and comes with all
   * its parts.
   */
  public static CriLogReader open(Path path, long tail) throws IOException {
    return open(path, OptionalLong.of(tail));
  }

  /**
   * Opens the log's rotated files ({@link RotatedLogs}) oldest first, then the log; the log may
   * be missing for a moment while it is rotated, but not with no older file either.
   */
  private static CriLogReader open(Path path, OptionalLong tail) throws IOException {
    List<Opened> files = new ArrayList<>();
    try {
      for (Path name : RotatedLogs.oldestFirst(path)) {
        try {
          files.add(name.equals(path) ? Opened.open(name) : Opened.openOlder(name));
        } catch (NoSuchFileException e) {
          if (name.equals(path) && files.isEmpty()) {
            throw e;
          }
          // rotated away meanwhile, or the log between its rotation and its writer's new file
        }
      }
      if (tail.isPresent()) {
        files = fromTail(files, tail.getAsLong());
      }
      return new CriLogReader(path, files);
    } catch (IOException | RuntimeException e) {
      for (Opened f : files) {
        f.close();
      }
      throw e;
    }
  }

  /**
   * Leaves out the compressed files at the start whose last line, as their header says, is
   * before {@code since}, without uncompressing them, as Docker's reader skips them: none of
   * their lines is wanted. A file read already, or without the header's time, is read as before.
   */
  public void skipCompressedBefore(Timestamp since) throws IOException {
    while (current.gz != null && current.file == null && !ahead.isEmpty()) {
      Optional<Timestamp> last = CompressedLog.lastTime(current.gz);
      if (last.isEmpty() || !CriTime.before(last.get(), since)) {
        return;
      }
      current.close();
      current = ahead.poll();
    }
  }

  /** Positions the files at the first of their last {@code lines} lines; closes and leaves out those before it. */
  private static List<Opened> fromTail(List<Opened> files, long lines) throws IOException {
    long wanted = lines;
    for (int i = files.size() - 1; i >= 0; i--) {
      Tail t = tail(files.get(i).file(), wanted);
      files.get(i).file().position(t.start());
      wanted -= t.lines();
      if (wanted == 0) {
        for (Opened before : files.subList(0, i)) {
          before.close();
        }
        return files.subList(i, files.size());
      }
    }
    return files;
  }

  /** The next whole line; empty when none is there (yet). */
  Optional<LogEntry> next() throws IOException {
    while (true) {
      int start = buffer.position();
      int newline = CriLine.indexOf(buffer.array(), start, buffer.limit(), (byte) '\n');
      if (newline >= 0) {
        buffer.position(newline + 1);
        if (skipping) {
          skipping = false;
          continue;
        }
        Optional<LogEntry> entry = CriLine.parse(buffer.array(), start, newline);
        if (entry.isPresent()) {
          lastTime = entry.get().getTime();
          return entry;
        }
        LOG.fine(() -> path + ": skipping a line that is not in the CRI log format");
        continue;
      }
      if (buffer.remaining() == buffer.capacity()) {
        if (!skipping) {
          LOG.warning(path + ": skipping a line longer than " + MAX_LINE + " bytes");
        }
        skipping = true;
        buffer.clear().flip();
      }
      buffer.compact();
      FileChannel file = current.file();
      int read = file.read(buffer);
      buffer.flip();
      if (read <= 0 && !nextFile() && !startedAgain()) {
        return Optional.empty();
      }
    }
  }

  /** Whether a file opened already follows the one read to its end: reading goes on there. */
  private boolean nextFile() throws IOException {
    Opened next = ahead.poll();
    if (next == null) {
      return false;
    }
    switchTo(next);
    return true;
  }

  /**
   * Whether the monitor has started the log again: in a new file at the path (conmon writes it
   * aside and renames it over the old one, or the old one was rotated to {@code <log>.1}), read
   * on from the start of the files after the old one once it is read to its end. The old file
   * is found by its inode, or once compressed by its last line's time. A line cut off in the old
   * file is dropped.
   */
  private boolean startedAgain() throws IOException {
    Object now;
    try {
      now = fileKey(path);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (now.equals(current.key)) {
      return false;
    }
    // conmon closes the old file before the new one takes the name: what it wrote last, after
    // the read that found the end, is there to read now
    FileChannel file = current.file();
    if (file.size() > file.position()) {
      return true;
    }
    List<Path> names = RotatedLogs.oldestFirst(path);
    int old = -1;
    for (int i = 0; i < names.size() - 1; i++) {
      if (isCurrent(names.get(i))) {
        old = i;
      }
    }
    // the old file rotated: the files after it; dropped already, or replaced: the log alone
    for (Path name : names.subList(old < 0 ? names.size() - 1 : old + 1, names.size())) {
      try {
        ahead.add(name.equals(path) ? Opened.open(name) : Opened.openOlder(name));
      } catch (NoSuchFileException e) {
        // rotated on meanwhile: its next name was listed too, or it is gone
      }
    }
    return nextFile();
  }

  /** Whether {@code older} is the file read now, or its compressed copy. */
  private boolean isCurrent(Path older) throws IOException {
    try {
      if (current.key.equals(fileKey(older))) {
        return true;
      }
      if (!CompressedLog.isCompressed(older) || lastTime == null) {
        return false;
      }
      try (FileChannel gz = FileChannel.open(older, StandardOpenOption.READ)) {
        return CompressedLog.lastTime(gz).filter(lastTime::equals).isPresent();
      }
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void switchTo(Opened next) throws IOException {
    current.close();
    current = next;
    lastTime = null;
    buffer.clear().flip();
    skipping = false;
  }

  private static Object fileKey(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  /**
   * Walks the log backwards from its end to the start of its last {@code lines} lines, reading
   * only the blocks it passes and the first bytes of each line: fast on a long log. A log of
   * fewer lines is taken whole, and says how many it has.
   */
  static Tail tail(FileChannel file, long lines) throws IOException {
    long end = file.size();
    ByteBuffer block = ByteBuffer.allocate(TAIL_BLOCK);
    long start = end;
    long complete = 0;
    // whether a newline lies after the position looked at, that is whether the line found is whole
    boolean whole = false;
    for (long blockEnd = end; blockEnd > 0; ) {
      long blockStart = Math.max(0, blockEnd - TAIL_BLOCK);
      block.clear().limit((int) (blockEnd - blockStart));
      readFully(file, block, blockStart);
      for (int i = block.limit() - 1; i >= 0; i--) {
        if (block.get(i) != '\n') {
          continue;
        }
        long lineStart = blockStart + i + 1;
        if (lineStart < end) {
          if (whole && endsALine(file, lineStart) && ++complete > lines) {
            return new Tail(start, lines);
          }
          start = lineStart;
        }
        whole = true;
      }
      blockEnd = blockStart;
    }
    if (end > 0 && whole && endsALine(file, 0) && ++complete > lines) {
      return new Tail(start, lines);
    }
    return new Tail(0, complete);
  }

  private static boolean endsALine(FileChannel file, long lineStart) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(HEAD);
    while (head.hasRemaining()) {
      if (file.read(head, lineStart + head.position()) <= 0) {
        break;
      }
    }
    return CriLine.endsALine(head.array(), head.position());
  }

  private static void readFully(FileChannel file, ByteBuffer block, long position) throws IOException {
    while (block.hasRemaining()) {
      if (file.read(block, position + block.position()) < 0) {
        throw new IOException("log shrank while reading its end");
      }
    }
  }

  @Override
  public void close() throws IOException {
    current.close();
    for (Opened f : ahead) {
      f.close();
    }
    ahead.clear();
  }
}
