package dev.berth.client.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One file system layer of a test image, as the uncompressed tar a layer blob holds. Entries keep
 * the order they are added in; owners are root and times fixed, so the same layer always has the
 * same bytes (and diff ID). Parent directories are not added implicitly.
 */
public final class TestLayer {
  /** The modification time of every entry. */
  public static final Instant MTIME = Instant.parse("2024-01-01T00:00:00Z");

  private record Entry(String path, byte type, int mode, byte[] content, String linkTarget, int uid, int gid) {
    Entry(String path, byte type, int mode, byte[] content, String linkTarget) {
      this(path, type, mode, content, linkTarget, 0, 0);
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  public TestLayer dir(String path, int mode) {
    entries.add(new Entry(path.endsWith("/") ? path : path + "/", TarArchiveEntry.LF_DIR, mode, null, null));
    return this;
  }

  public TestLayer file(String path, byte[] content, int mode) {
    entries.add(new Entry(path, TarArchiveEntry.LF_NORMAL, mode, content.clone(), null));
    return this;
  }

  /** A directory owned by {@code uid}:{@code gid}. */
  public TestLayer dir(String path, int mode, int uid, int gid) {
    entries.add(new Entry(path.endsWith("/") ? path : path + "/", TarArchiveEntry.LF_DIR, mode, null, null, uid, gid));
    return this;
  }

  /** A text file owned by {@code uid}:{@code gid}. */
  public TestLayer file(String path, String content, int mode, int uid, int gid) {
    entries.add(new Entry(path, TarArchiveEntry.LF_NORMAL, mode, content.getBytes(StandardCharsets.UTF_8), null, uid,
        gid));
    return this;
  }

  /** A text file, mode 0644. */
  public TestLayer file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  /** A file with the content of {@code source} on this host. */
  public TestLayer hostFile(String path, Path source, int mode) {
    try {
      return file(path, Files.readAllBytes(source), mode);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + source, e);
    }
  }

  public TestLayer symlink(String path, String target) {
    entries.add(new Entry(path, TarArchiveEntry.LF_SYMLINK, 0777, null, target));
    return this;
  }

  /** Deletes {@code path} of the layers below: an OCI whiteout {@code .wh.<name>}. */
  public TestLayer whiteout(String path) {
    int slash = path.lastIndexOf('/');
    return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), new byte[0], 0644);
  }

  /** Hides what the layers below hold in directory {@code dir}: an OCI opaque whiteout. */
  public TestLayer opaque(String dir) {
    return file((dir.endsWith("/") ? dir : dir + "/") + ".wh..wh..opq", new byte[0], 0644);
  }

  /** The layer as an uncompressed tar. */
  public byte[] tar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry header = new TarArchiveEntry(e.path(), e.type());
        int typeBits = e.type() == TarArchiveEntry.LF_SYMLINK ? 0120000 : header.getMode() & ~07777;
        header.setMode(typeBits | e.mode());
        header.setModTime(MTIME.toEpochMilli());
        header.setIds(e.uid(), e.gid());
        header.setUserName(e.uid() == 0 ? "root" : "");
        header.setGroupName(e.gid() == 0 ? "root" : "");
        if (e.linkTarget() != null) {
          header.setLinkName(e.linkTarget());
        }
        if (e.content() != null) {
          header.setSize(e.content().length);
        }
        tar.putArchiveEntry(header);
        if (e.content() != null) {
          tar.write(e.content());
        }
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
