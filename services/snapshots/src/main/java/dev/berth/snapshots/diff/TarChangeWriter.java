package dev.berth.snapshots.diff;

import dev.berth.linux.Syscalls;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes changes as an OCI layer: each changed path with its metadata (owner, mode, times,
 * xattrs, devices, link targets), preceded by its parent directories as the changed tree has
 * them; deletions as {@code .wh.} entries, opaque directories as {@code .wh..wh..opq}; a file
 * seen again under another name as a hard link to the first.
 */
final class TarChangeWriter implements AutoCloseable {
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFSOCK = 0140000;
  /** Named one by one: "unix:*" would also look up owner names for every file. */
  static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,rdev,nlink,fileKey";
  private static final FileTime WHITEOUT_TIME = FileTime.fromMillis(0);

  private final TarArchiveOutputStream tar;
  private final Path source;
  private final Set<String> writtenDirs = new HashSet<>();
  private final Map<Object, String> writtenFiles = new HashMap<>();

  /** @param source the tree the changes are read from (an upperdir or the changed tree) */
  TarChangeWriter(OutputStream out, Path source) {
    this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    this.source = source;
  }

  /** Writes {@code rel} (components joined by '/') as the source tree has it. */
  void add(String rel) throws IOException {
    writeParents(rel);
    Path file = source.resolve(rel);
    Map<String, Object> a = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    int type = mode & S_IFMT;
    if (type == S_IFSOCK) {
      // sockets belong to a running process, not to a layer
      return;
    }
    if (type == S_IFDIR) {
      if (!writtenDirs.add(rel)) {
        return;
      }
      put(entry(rel + "/", TarConstants.LF_DIR, a), file, null);
      return;
    }
    if (type == S_IFREG && (Integer) a.get("nlink") > 1) {
      Object key = a.get("fileKey");
      String first = writtenFiles.putIfAbsent(key, rel);
      if (first != null) {
        TarArchiveEntry link = entry(rel, TarConstants.LF_LINK, a);
        link.setLinkName(first);
        link.setSize(0);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
        return;
      }
    }
    TarArchiveEntry e = switch (type) {
      case S_IFREG -> entry(rel, TarConstants.LF_NORMAL, a);
      case S_IFLNK -> entry(rel, TarConstants.LF_SYMLINK, a);
      case 0020000 -> entry(rel, TarConstants.LF_CHR, a);
      case 0060000 -> entry(rel, TarConstants.LF_BLK, a);
      default -> entry(rel, TarConstants.LF_FIFO, a);
    };
    if (type == S_IFLNK) {
      e.setLinkName(Files.readSymbolicLink(file).toString());
    } else if (type == 0020000 || type == 0060000) {
      long rdev = (Long) a.get("rdev");
      e.setDevMajor(Syscalls.major(rdev));
      e.setDevMinor(Syscalls.minor(rdev));
    } else if (type == S_IFREG) {
      e.setSize((Long) a.get("size"));
    }
    put(e, file, type == S_IFREG ? file : null);
  }

  /** A deletion of {@code rel}. */
  void whiteout(String rel) throws IOException {
    writeParents(rel);
    int slash = rel.lastIndexOf('/');
    String name = rel.substring(0, slash + 1) + ".wh." + rel.substring(slash + 1);
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
    e.setMode(0);
    e.setModTime(WHITEOUT_TIME);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  /** Directory {@code rel} hides whatever the layers below have in it. */
  void opaque(String rel) throws IOException {
    add(rel);
    TarArchiveEntry e = new TarArchiveEntry(rel + "/.wh..wh..opq", TarConstants.LF_NORMAL);
    e.setMode(0);
    e.setModTime(WHITEOUT_TIME);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private void writeParents(String rel) throws IOException {
    int slash = rel.indexOf('/');
    while (slash > 0) {
      String parent = rel.substring(0, slash);
      if (!writtenDirs.contains(parent)) {
        add(parent);
      }
      slash = rel.indexOf('/', slash + 1);
    }
  }

  private static TarArchiveEntry entry(String name, byte type, Map<String, Object> a) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setMode((Integer) a.get("mode") & 07777);
    e.setUserId(((Integer) a.get("uid")).longValue());
    e.setGroupId(((Integer) a.get("gid")).longValue());
    e.setModTime((FileTime) a.get("lastModifiedTime"));
    return e;
  }

  private void put(TarArchiveEntry e, Path file, Path content) throws IOException {
    for (String name : Xattrs.list(file)) {
      if (name.startsWith(FileMetadata.OVERLAY_XATTRS)) {
        continue;
      }
      byte[] value = Xattrs.get(file, name);
      if (value == null) {
        continue;
      }
      String text = utf8(value);
      if (text != null) {
        e.addPaxHeader(FileMetadata.SCHILY_XATTR + name, text);
      } else {
        // PAX values are UTF-8 text; bsdtar's form carries any bytes, base64-encoded
        e.addPaxHeader(FileMetadata.LIBARCHIVE_XATTR + URLEncoder.encode(name, StandardCharsets.UTF_8),
            Base64.getEncoder().encodeToString(value));
      }
    }
    tar.putArchiveEntry(e);
    if (content != null) {
      try (InputStream in = Files.newInputStream(content, LinkOption.NOFOLLOW_LINKS)) {
        long copied = in.transferTo(tar);
        if (copied != e.getSize()) {
          throw new IOException(content + " changed size while being written to the diff");
        }
      }
    }
    tar.closeArchiveEntry();
  }

  private static String utf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Ends the archive and closes the stream under it. */
  @Override
  public void close() throws IOException {
    tar.close();
  }
}
