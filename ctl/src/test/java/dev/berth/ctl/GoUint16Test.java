package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Go's strconv.ParseUint(s, 0, 16), as Docker's CLI reads a uint16 flag, and pflag's words for what it refuses. */
class GoUint16Test {
  @Test
  void takesGosBasesAndUnderscoresBetweenDigits() {
    assertEquals(500, GoUint16.parse("--f", "500"));
    assertEquals(0, GoUint16.parse("--f", "0"));
    assertEquals(500, GoUint16.parse("--f", "0x1F4"));
    assertEquals(500, GoUint16.parse("--f", "0764"));
    assertEquals(500, GoUint16.parse("--f", "0o764"));
    assertEquals(5, GoUint16.parse("--f", "0b101"));
    assertEquals(1000, GoUint16.parse("--f", "1_000"));
    assertEquals(31, GoUint16.parse("--f", "0x_1f"));
    assertEquals(65535, GoUint16.parse("--f", "65535"));
  }

  @Test
  void refusesInPflagsWords() {
    assertEquals("invalid argument \"abc\" for \"--blkio-weight\" flag: strconv.ParseUint: parsing \"abc\": invalid syntax",
        refusal("--blkio-weight", "abc"));
    for (String bad : new String[] {"", "-5", "+5", "08", "0x", "1__0", "_1", "1_", "5 ", "١"}) {
      assertEquals("strconv.ParseUint: parsing \"" + bad + "\": invalid syntax", goError(bad), bad);
    }
    // the overflow is reported at the digit that makes it, before a later bad character
    for (String big : new String[] {"65536", "0x10000", "99999x"}) {
      assertEquals("strconv.ParseUint: parsing \"" + big + "\": value out of range", goError(big), big);
    }
  }

  private static String refusal(String flag, String text) {
    return assertThrows(FlagValueRefused.class, () -> GoUint16.parse(flag, text)).getMessage();
  }

  private static String goError(String text) {
    String message = refusal("--f", text);
    return message.substring(message.indexOf("flag: ") + "flag: ".length());
  }
}
