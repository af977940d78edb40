package dev.berth.client.containers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar reader that also gives each entry's extended attributes as the bytes its PAX header
 * holds. The tar library decodes PAX values as UTF-8, replacing what is not (a file capability's
 * bytes, such as 0x80 for cap_setuid+p), so the raw records of an entry's PAX header ('x') are
 * kept as the library reads them: a header record read ({@link #readRecord}) that is a PAX header
 * starts the capture, the library reading its content through {@link #read(byte[], int, int)}, and
 * the next header record ends it.
 */
final class XattrTarInputStream extends TarArchiveInputStream {
  private static final int TYPE_FLAG = 156;
  private ByteArrayOutputStream paxContent;
  private Map<String, byte[]> pending = Map.of();
  private Map<String, byte[]> current = Map.of();
  /** getNextEntry calls itself for the entry after a PAX header. */
  private int depth;

  XattrTarInputStream(InputStream in) {
    super(in);
  }

  /** The extended attributes of the entry {@link #getNextEntry} returned last. */
  Map<String, byte[]> xattrs() {
    return current;
  }

  @Override
  public TarArchiveEntry getNextEntry() throws IOException {
    depth++;
    try {
      TarArchiveEntry entry = super.getNextEntry();
      if (depth == 1) {
        current = pending;
        pending = Map.of();
      }
      return entry;
    } finally {
      depth--;
    }
  }

  @Override
  protected byte[] readRecord() throws IOException {
    byte[] record = super.readRecord();
    if (paxContent != null) {
      pending = TarXattrs.of(paxContent.toByteArray());
      paxContent = null;
    }
    if (record != null && record.length > TYPE_FLAG && record[TYPE_FLAG] == 'x') {
      paxContent = new ByteArrayOutputStream();
    }
    return record;
  }

  @Override
  public int read(byte[] buf, int offset, int length) throws IOException {
    int n = super.read(buf, offset, length);
    if (paxContent != null && n > 0) {
      paxContent.write(buf, offset, n);
    }
    return n;
  }
}
