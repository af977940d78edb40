package dev.berth.tasks.logs;

import berth.logs.v1.LogEntry;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One line of a CRI log: {@code <RFC 3339 time> <stdout|stderr> <tags> <message>}, where the
 * first of the colon-separated tags is {@code F} (the line's end) or {@code P} (a part of a line
 * the monitor split, at its buffer size or where the output paused).
 */
final class CriLine {
  private CriLine() {}

  /** The entry in {@code line[from, to)} (no newline); empty when it is not a CRI log line. */
  static Optional<LogEntry> parse(byte[] line, int from, int to) {
    int timeEnd = indexOf(line, from, to, (byte) ' ');
    int streamEnd = timeEnd < 0 ? -1 : indexOf(line, timeEnd + 1, to, (byte) ' ');
    if (streamEnd < 0) {
      return Optional.empty();
    }
    int tagsEnd = indexOf(line, streamEnd + 1, to, (byte) ' ');
    if (tagsEnd < 0) {
      // an empty message may come without the space before it
      tagsEnd = to;
    }
    String stream = ascii(line, timeEnd + 1, streamEnd);
    String tag = ascii(line, streamEnd + 1, tagsEnd).split(":", 2)[0];
    if (!(stream.equals("stdout") || stream.equals("stderr")) || !(tag.equals("F") || tag.equals("P"))) {
      return Optional.empty();
    }
    Optional<Timestamp> time = CriTime.parse(line, from, timeEnd);
    if (time.isEmpty()) {
      return Optional.empty();
    }
    int dataStart = Math.min(tagsEnd + 1, to);
    return Optional.of(LogEntry.newBuilder()
        .setTime(time.get())
        .setStream(stream)
        .setData(ByteString.copyFrom(line, dataStart, to - dataStart))
        .setComplete(tag.equals("F"))
        .build());
  }

  /** Whether the line starting at {@code line[0]} is a line's end ({@code F}), judged from its first bytes. */
  static boolean endsALine(byte[] head, int length) {
    int timeEnd = indexOf(head, 0, length, (byte) ' ');
    int streamEnd = timeEnd < 0 ? -1 : indexOf(head, timeEnd + 1, length, (byte) ' ');
    return streamEnd >= 0 && streamEnd + 1 < length && head[streamEnd + 1] == 'F'
        && (streamEnd + 2 == length || head[streamEnd + 2] == ' ' || head[streamEnd + 2] == ':'
            || head[streamEnd + 2] == '\n');
  }

  static int indexOf(byte[] bytes, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static String ascii(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
  }
}
