package dev.berth.client.containers;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileHandle;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Extended attributes in a tar entry's PAX records: {@code SCHILY.xattr.NAME} (GNU tar, Go, so
 * Docker) and {@code LIBARCHIVE.xattr.NAME} (bsdtar: URL-encoded name, base64 value). The tar
 * library reads and writes PAX values as UTF-8 text, so a value that is not valid UTF-8 (a file
 * capability, usually) is written in bsdtar's form, which carries any bytes, and read from it.
 */
final class TarXattrs {
  private static final String SCHILY = "SCHILY.xattr.";
  private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";

  private TarXattrs() {}

  static void add(TarArchiveEntry entry, String name, byte[] value) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString();
      entry.addPaxHeader(SCHILY + name, text);
    } catch (CharacterCodingException e) {
      entry.addPaxHeader(LIBARCHIVE + URLEncoder.encode(name, StandardCharsets.UTF_8),
          Base64.getEncoder().encodeToString(value));
    }
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
}
