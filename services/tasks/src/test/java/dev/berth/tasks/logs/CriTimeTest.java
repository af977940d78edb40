package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A log line's time read by hand gives what Java's RFC 3339 parser gives. */
class CriTimeTest {
  private static Optional<Timestamp> parse(String text) {
    byte[] line = (">" + text + " stdout").getBytes(StandardCharsets.US_ASCII);
    return CriTime.parse(line, 1, 1 + text.length());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-05-01T10:00:00.123456789+00:00", "2024-05-01T10:00:00.123456789Z",
      "2024-02-29T23:59:59.1+02:00", "1999-12-31T23:59:59-05:30", "2024-05-01T00:00:00.000000001Z",
      "1969-12-31T23:59:59.5Z", "2024-05-01t10:00:00Z", "2024-05-01T10:00:00.123+01:00:30"})
  void readsWhatTheFormatterReads(String text) {
    OffsetDateTime expected = OffsetDateTime.parse(text);
    assertEquals(Optional.of(Timestamp.newBuilder().setSeconds(expected.toEpochSecond())
        .setNanos(expected.getNano()).build()), parse(text), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-02-30T10:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T10:00:00",
      "2024-05-01T10:00:00.1234567891Z", "2024-05-01T10:00:00+0100", "2024-05-01 10:00:00Z", "stdout", "x"})
  void refusesWhatIsNoTime(String text) {
    assertTrue(parse(text).isEmpty(), text);
  }
}
