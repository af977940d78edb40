package dev.berth.snapshots.diff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars for tests, entry by entry, the way image builders write them. */
final class LayerBuilder {
  static final Instant MTIME = Instant.parse("2024-05-06T07:08:09Z");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());

  LayerBuilder() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  LayerBuilder dir(String name, int mode) {
    return put(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, mode), null, e -> {});
  }

  LayerBuilder file(String name, String content) {
    return file(name, content, 0644, e -> {});
  }

  LayerBuilder file(String name, String content, int mode, Consumer<TarArchiveEntry> customize) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
    e.setSize(data.length);
    return put(e, data, customize);
  }

  /** A file of {@code size} zero bytes, written without holding it in memory twice. */
  LayerBuilder zeros(String name, long size) {
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, 0644);
    e.setSize(size);
    try {
      tar.putArchiveEntry(e);
      byte[] chunk = new byte[64 << 10];
      for (long left = size; left > 0; left -= chunk.length) {
        tar.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      tar.closeArchiveEntry();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return this;
  }

  LayerBuilder symlink(String name, String target) {
    TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
    e.setLinkName(target);
    return put(e, null, x -> {});
  }

  LayerBuilder hardlink(String name, String target) {
    TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0644);
    e.setLinkName(target);
    return put(e, null, x -> {});
  }

  LayerBuilder charDevice(String name, int major, int minor) {
    TarArchiveEntry e = entry(name, TarConstants.LF_CHR, 0666);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return put(e, null, x -> {});
  }

  LayerBuilder fifo(String name) {
    return put(entry(name, TarConstants.LF_FIFO, 0600), null, x -> {});
  }

  LayerBuilder whiteout(String dir, String name) {
    return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, "", 0, e -> {});
  }

  LayerBuilder opaque(String dir) {
    return file(dir + "/.wh..wh..opq", "", 0, e -> {});
  }

  byte[] build() {
    try {
      tar.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] compress(LayerCompression compression, byte[] tar) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c = compression.compress(out)) {
      c.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static TarArchiveEntry entry(String name, byte type, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setMode(mode);
    e.setModTime(FileTime.from(MTIME));
    return e;
  }

  private LayerBuilder put(TarArchiveEntry e, byte[] data, Consumer<TarArchiveEntry> customize) {
    customize.accept(e);
    try {
      tar.putArchiveEntry(e);
      if (data != null) {
        tar.write(data);
      }
      tar.closeArchiveEntry();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return this;
  }
}
