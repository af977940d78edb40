package dev.berth.client.containers;

import dev.berth.client.ClientException;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileHandle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extended attributes in a tar entry's PAX records: {@code SCHILY.xattr.NAME} (GNU tar, Go, so
 * Docker), the value the xattr's bytes as they are, and, read only, {@code LIBARCHIVE.xattr.NAME}
 * (bsdtar: URL-encoded name, base64 value). The tar library reads and writes PAX values as UTF-8
 * text, which a file capability's bytes are not, so those records are read and written here as bytes.
 */
final class TarXattrs {
  private static final Logger LOG = Logger.getLogger(TarXattrs.class.getName());
  private static final String SCHILY = "SCHILY.xattr.";
  private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";
  /** A header's name and link name fields hold fewer bytes than this. */
  private static final int NAME_SIZE = 100;
  /** The largest size, uid and gid a header's octal fields hold. */
  private static final long MAX_SIZE = 077777777777L;
  private static final long MAX_ID = 07777777L;

  private TarXattrs() {}

  /**
   * Writes {@code entry}'s header to {@code tar} after a PAX header of its own carrying
   * {@code xattrs}, as Go's writer does: one PAX header an entry, with what the library would
   * have put in its own (a long name or link, a size or an owner too big for the header's
   * fields), the library then writing none. {@code tar} writes long names and big numbers as
   * PAX records (POSIX modes) before and after.
   */
  static void putArchiveEntry(TarArchiveOutputStream tar, TarArchiveEntry entry, Map<String, byte[]> xattrs)
      throws IOException {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    byte[] name = entry.getName().getBytes(StandardCharsets.UTF_8);
    if (name.length >= NAME_SIZE) {
      record(records, "path", name);
    }
    byte[] link = entry.getLinkName().getBytes(StandardCharsets.UTF_8);
    if (link.length >= NAME_SIZE) {
      record(records, "linkpath", link);
    }
    if (entry.getSize() > MAX_SIZE) {
      record(records, "size", Long.toString(entry.getSize()).getBytes(StandardCharsets.US_ASCII));
    }
    if (entry.getLongUserId() > MAX_ID) {
      record(records, "uid", Long.toString(entry.getLongUserId()).getBytes(StandardCharsets.US_ASCII));
    }
    if (entry.getLongGroupId() > MAX_ID) {
      record(records, "gid", Long.toString(entry.getLongGroupId()).getBytes(StandardCharsets.US_ASCII));
    }
    for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
      record(records, SCHILY + xattr.getKey(), xattr.getValue());
    }
    TarArchiveEntry pax = new TarArchiveEntry(paxHeaderName(entry.getName()), TarConstants.LF_PAX_EXTENDED_HEADER_LC);
    pax.setSize(records.size());
    tar.putArchiveEntry(pax);
    records.writeTo(tar);
    tar.closeArchiveEntry();
    // what the record above says is cut short (a name) or written in binary (a number) in the
    // header, where readers take the record's
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    try {
      tar.putArchiveEntry(entry);
    } finally {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }
  }

  /** A PAX record, {@code LENGTH KEY=VALUE\n}, LENGTH counting itself. */
  private static void record(ByteArrayOutputStream records, String key, byte[] value) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    int rest = 1 + keyBytes.length + 1 + value.length + 1;
    int length = rest + 1;
    while (Integer.toString(length).length() + rest != length) {
      length = Integer.toString(length).length() + rest;
    }
    records.writeBytes((length + " ").getBytes(StandardCharsets.US_ASCII));
    records.writeBytes(keyBytes);
    records.write('=');
    records.writeBytes(value);
    records.write('\n');
  }

  /** Go's name for an entry's PAX header, DIR/PaxHeaders.0/NAME, cut to fit the header's name field. */
  private static String paxHeaderName(String entryName) {
    String trimmed = entryName.replaceAll("/+$", "");
    int slash = trimmed.lastIndexOf('/');
    String name = trimmed.substring(0, slash + 1) + "PaxHeaders.0/" + trimmed.substring(slash + 1);
    while (name.getBytes(StandardCharsets.UTF_8).length >= NAME_SIZE) {
      name = name.substring(0, name.length() - 1);
    }
    return name;
  }

  /**
   * The xattrs the records of a PAX header's content ({@code LENGTH KEY=VALUE\n}, as the bytes
   * the archive holds) carry; other records, and a malformed rest, are left to the tar library.
   */
  static Map<String, byte[]> of(byte[] paxContent) {
    Map<String, byte[]> xattrs = new LinkedHashMap<>();
    int at = 0;
    while (at < paxContent.length) {
      int space = at;
      while (space < paxContent.length && paxContent[space] >= '0' && paxContent[space] <= '9') {
        space++;
      }
      if (space == at || space - at > 9 || space == paxContent.length || paxContent[space] != ' ') {
        break;
      }
      int end = at + Integer.parseInt(new String(paxContent, at, space - at, StandardCharsets.US_ASCII));
      if (end > paxContent.length || end <= space + 1 || paxContent[end - 1] != '\n') {
        break;
      }
      int equals = space + 1;
      while (equals < end - 1 && paxContent[equals] != '=') {
        equals++;
      }
      String key = new String(paxContent, space + 1, equals - space - 1, StandardCharsets.UTF_8);
      byte[] value = Arrays.copyOfRange(paxContent, Math.min(equals + 1, end - 1), end - 1);
      if (key.startsWith(SCHILY)) {
        xattrs.put(key.substring(SCHILY.length()), value);
      } else if (key.startsWith(LIBARCHIVE)) {
        xattrs.put(URLDecoder.decode(key.substring(LIBARCHIVE.length()), StandardCharsets.UTF_8),
            Base64.getDecoder().decode(value));
      }
      at = end;
    }
    return xattrs;
  }

  /**
   * Sets xattr {@code name} on {@code file} as Docker's unpacking sets it: where it is not allowed
   * (EPERM: a user namespace's limits, a namespace the file system refuses) it is let be.
   */
  static void set(FileHandle file, String name, byte[] value) throws ErrnoException {
    try {
      file.setXattr(name, value);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EPERM) {
        throw e;
      }
    }
  }

  /**
   * Sets an archive entry's xattr {@code name} on {@code file} ({@code path} as the root shows it)
   * as Docker's unpacking does: EPERM let be, and with {@code bestEffort} (its builder's ADD) one
   * the file system does not support (EOPNOTSUPP, a Mac's {@code com.apple.quarantine}) left out
   * and logged. Refused otherwise in Docker's daemon's words, Go's for the lsetxattr that failed.
   */
  static void setUnpacked(FileHandle file, String path, String name, byte[] value, boolean bestEffort)
      throws ClientException {
    try {
      set(file, name, value);
    } catch (ErrnoException e) {
      String refusal = "lsetxattr " + name + " " + path + ": " + e.goText();
      if (bestEffort && e.errno() == ErrnoException.EOPNOTSUPP) {
        LOG.warning("ignored xattrs in archive: underlying filesystem doesn't support them: " + refusal);
        return;
      }
      throw new ClientException(refusal, e);
    }
  }
}
