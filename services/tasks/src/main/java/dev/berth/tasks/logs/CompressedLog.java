package dev.berth.tasks.logs;

import com.google.protobuf.Timestamp;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An older file of a log gzipped as Docker's json-file and local drivers do with
 * {@code compress=true}: {@code <log>.<n>.gz}, its gzip header's extra field holding
 * {@code {"lastTime":"<time of its last line>"}}, which Docker's reader uses to skip a file
 * before {@code --since} and Berth's to find where a follower was after a rotation.
 */
final class CompressedLog {
  /** gzip's flag for an extra field, and its "unknown" OS, both as Go's gzip writer sets them. */
  private static final int FEXTRA = 4;
  private static final int OS_UNKNOWN = 255;
  private static final int HEADER = 10;
  private static final Pattern LAST_TIME = Pattern.compile("\"lastTime\"\\s*:\\s*\"([^\"]+)\"");

  private CompressedLog() {}

  /** The file {@code plain} is compressed into. */
  static Path gz(Path plain) {
    return plain.resolveSibling(plain.getFileName() + ".gz");
  }

  /** Where {@code gz} is written before it is complete; never a name readers take. */
  static Path partial(Path gz) {
    return gz.resolveSibling(gz.getFileName() + ".tmp");
  }

  /**
   * Writes {@code plain} gzipped to {@code <plain>.gz}, then removes {@code plain}. The copy is
   * written aside, synced and renamed into place, the rename synced before the plain file goes:
   * a crash leaves the plain file alone, or both whole (readers take the plain one, and the next
   * call removes it), never a half copy under the name.
   */
  static void compress(Path plain) throws IOException {
    Path gz = gz(plain);
    Path partial = partial(gz);
    byte[] extra = lastTime(plain).map(t -> "{\"lastTime\":\"" + t + "\"}").orElse("{}")
        .getBytes(StandardCharsets.UTF_8);
    try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r-----"));
      try (InputStream in = Files.newInputStream(plain);
          GZIPOutputStream zip = new GZIPOutputStream(new ExtraField(Channels.newOutputStream(out), extra), 64 * 1024)) {
        in.transferTo(zip);
        zip.finish();
        out.force(true);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, gz, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(gz.getParent());
    Files.delete(plain);
  }

  /** The time of {@code gz}'s last line as its header holds it; empty without one. */
  static Optional<Timestamp> lastTime(FileChannel gz) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(HEADER + 2);
    gz.read(head, 0);
    byte[] h = head.array();
    if (head.position() < h.length || (h[0] & 0xff) != 0x1f || (h[1] & 0xff) != 0x8b || (h[3] & FEXTRA) == 0) {
      return Optional.empty();
    }
    int length = (h[HEADER] & 0xff) | (h[HEADER + 1] & 0xff) << 8;
    ByteBuffer extra = ByteBuffer.allocate(length);
    gz.read(extra, HEADER + 2);
    Matcher m = LAST_TIME.matcher(new String(extra.array(), 0, extra.position(), StandardCharsets.UTF_8));
    if (!m.find()) {
      return Optional.empty();
    }
    byte[] time = m.group(1).getBytes(StandardCharsets.US_ASCII);
    return CriTime.parse(time, 0, time.length);
  }

  /**
   * {@code gz} uncompressed into a file of its own that has no name (removed once open), read
   * from its start: a reader takes it as it takes a plain file, tail and all, without holding it
   * in memory. It lives in the JDK's temporary directory while open.
   */
  static FileChannel decompressed(FileChannel gz) throws IOException {
    Path temp = Files.createTempFile("berth-log-", ".gunzip");
    FileChannel copy;
    try {
      copy = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } finally {
      Files.delete(temp);
    }
    try {
      gz.position(0);
      // not closed: closing it would close gz, which its opener owns
      InputStream in = new GZIPInputStream(Channels.newInputStream(gz), 64 * 1024);
      in.transferTo(Channels.newOutputStream(copy));
      copy.position(0);
      return copy;
    } catch (IOException | RuntimeException e) {
      copy.close();
      throw new IOException("cannot read the compressed log: " + e.getMessage(), e);
    }
  }

  /**
   * The time of {@code plain}'s last whole line as the line has it (conmon's RFC 3339 with
   * nanoseconds, which Go's JSON reads back as a time); empty when its end is no CRI line.
   */
  private static Optional<String> lastTime(Path plain) throws IOException {
    try (FileChannel file = FileChannel.open(plain, StandardOpenOption.READ)) {
      long size = file.size();
      int length = (int) Math.min(size, CriLogReader.MAX_LINE);
      ByteBuffer end = ByteBuffer.allocate(length);
      while (end.hasRemaining() && file.read(end, size - length + end.position()) > 0) {
        // read on to the end
      }
      byte[] b = end.array();
      int last = end.position() - 1;
      if (last < 0 || b[last] != '\n') {
        return Optional.empty();
      }
      int start = last - 1;
      while (start >= 0 && b[start] != '\n') {
        start--;
      }
      start++;
      if (CriLine.parse(b, start, last).isEmpty()) {
        return Optional.empty();
      }
      int space = CriLine.indexOf(b, start, last, (byte) ' ');
      return Optional.of(new String(b, start, space - start, StandardCharsets.US_ASCII));
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /**
   * Puts an extra field into the gzip header {@link GZIPOutputStream} writes first (its fixed
   * ten bytes), which has no way to name one itself.
   */
  private static final class ExtraField extends FilterOutputStream {
    private final byte[] header = new byte[HEADER];
    private final byte[] extra;
    private int seen;

    ExtraField(OutputStream out, byte[] extra) {
      super(out);
      this.extra = extra;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int head = Math.min(len, HEADER - seen);
      if (head > 0) {
        System.arraycopy(b, off, header, seen, head);
        seen += head;
        if (seen == HEADER) {
          header[3] |= FEXTRA;
          header[9] = (byte) OS_UNKNOWN;
          out.write(header);
          out.write(new byte[] {(byte) extra.length, (byte) (extra.length >> 8)});
          out.write(extra);
        }
      }
      if (len > head) {
        out.write(b, off + head, len - head);
      }
    }
  }

  /** Whether {@code file} is a compressed older file. */
  static boolean isCompressed(Path file) {
    return file.getFileName().toString().endsWith(".gz");
  }
}
