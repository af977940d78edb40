package dev.berth.client.images;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The regular files of a tar, in order, and tars made from such maps (to take archives apart in tests). */
final class TarFiles {
  private TarFiles() {}

  static Map<String, byte[]> read(byte[] tar) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        files.put(e.getName(), e.isDirectory() ? null : in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** A tar of {@code files}; a null value makes a directory. */
  static byte[] write(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey(), f.getValue() == null ? TarArchiveEntry.LF_DIR
            : TarArchiveEntry.LF_NORMAL);
        if (f.getValue() != null) {
          e.setSize(f.getValue().length);
        }
        out.putArchiveEntry(e);
        if (f.getValue() != null) {
          out.write(f.getValue());
        }
        out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
