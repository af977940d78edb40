package dev.berth.snapshots.diff;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.Syscalls;
import dev.berth.linux.Xattrs;
import dev.berth.snapshots.fs.ImpliedDirectories;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/** Applies a tar entry's owner, permission bits and extended attributes to a created file. */
final class FileMetadata {
  static final String SCHILY_XATTR = "SCHILY.xattr.";
  static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";
  /**
   * overlayfs' own attributes; a layer must not be able to forge whiteouts or redirects with
   * them (nor Berth's own, {@link ImpliedDirectories#RESERVED_XATTRS}).
   */
  static final String OVERLAY_XATTRS = "trusted.overlay.";
  private static final Logger LOG = Logger.getLogger(FileMetadata.class.getName());

  private FileMetadata() {}

  static void apply(Path path, TarArchiveEntry entry) throws IOException {
    setOwner(path, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
    if (!entry.isSymbolicLink()) {
      // after chown, which clears setuid and setgid bits
      setMode(path, entry.getMode());
    }
    for (Map.Entry<String, byte[]> x : xattrs(entry).entrySet()) {
      try {
        Xattrs.set(path, x.getKey(), x.getValue());
      } catch (ErrnoException e) {
        if (e.errno() != ErrnoException.EOPNOTSUPP && e.errno() != ErrnoException.EPERM) {
          throw e;
        }
        LOG.warning("layer entry " + entry.getName() + ": extended attribute " + x.getKey() + " not kept: "
            + e.getMessage());
      }
    }
  }

  /** Changes the owner of {@code path} itself, never of what a symlink points to. */
  static void setOwner(Path path, int uid, int gid) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Sets all twelve permission bits (setuid, setgid and sticky included, which the JDK's POSIX
   * permissions cannot express). Follows symlinks: call it only on paths known not to be one.
   */
  static void setMode(Path path, int mode) throws IOException {
    Files.setAttribute(path, "unix:mode", mode & 07777);
  }

  /**
   * The entry's extended attributes: {@code SCHILY.xattr.*} (GNU tar, Go) and {@code
   * LIBARCHIVE.xattr.*} (bsdtar; URL-encoded name, base64 value). The tar library decodes PAX
   * values as UTF-8, so a SCHILY value that is not valid UTF-8 cannot be recovered exactly;
   * it is left out rather than written corrupted.
   */
  static Map<String, byte[]> xattrs(TarArchiveEntry entry) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    entry.getExtraPaxHeaders().forEach((key, value) -> {
      String name;
      byte[] bytes;
      if (key.startsWith(SCHILY_XATTR)) {
        name = key.substring(SCHILY_XATTR.length());
        if (value.indexOf('\uFFFD') >= 0) {
          LOG.warning("layer entry " + entry.getName() + ": extended attribute " + name
              + " is not UTF-8 and was not kept");
          return;
        }
        bytes = value.getBytes(StandardCharsets.UTF_8);
      } else if (key.startsWith(LIBARCHIVE_XATTR)) {
        name = URLDecoder.decode(key.substring(LIBARCHIVE_XATTR.length()), StandardCharsets.UTF_8);
        bytes = Base64.getDecoder().decode(value);
      } else {
        return;
      }
      if (!name.startsWith(OVERLAY_XATTRS) && !name.startsWith(ImpliedDirectories.RESERVED_XATTRS) && !name.isEmpty()) {
        out.put(name, bytes);
      }
    });
    return out;
  }

  static void setTimes(Path path, TarArchiveEntry entry) throws ErrnoException {
    Instant mtime = entry.getLastModifiedTime().toInstant();
    Instant atime = entry.getLastAccessTime() == null ? mtime : entry.getLastAccessTime().toInstant();
    Syscalls.setTimes(path, atime, mtime);
  }
}
