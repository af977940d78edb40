package dev.berth.linux;

import java.nio.charset.Charset;
import java.util.Arrays;

/** File names as native calls take and give them. */
final class FileNames {
  /** The JDK encodes file names with this charset; native calls must use the same bytes. */
  private static final Charset CHARSET = Charset.forName(
      System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));

  private FileNames() {}

  static byte[] cString(String s) {
    byte[] bytes = s.getBytes(CHARSET);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }

  static String decode(byte[] bytes, int offset, int length) {
    return new String(bytes, offset, length, CHARSET);
  }
}
