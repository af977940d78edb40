package dev.berth.ctl.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Go's strconv.ParseInt, ParseUint (base 0) and ParseFloat, as Docker's CLI reads its numeric flags. */
class GoNumbersTest {
  @Test
  void takesGosBasesAndUnderscoresBetweenDigits() {
    assertEquals(500, GoNumbers.parseUint("500", 16));
    assertEquals(0, GoNumbers.parseUint("0", 16));
    assertEquals(500, GoNumbers.parseUint("0x1F4", 16));
    assertEquals(500, GoNumbers.parseUint("0764", 16));
    assertEquals(500, GoNumbers.parseUint("0o764", 16));
    assertEquals(5, GoNumbers.parseUint("0b101", 16));
    assertEquals(1000, GoNumbers.parseUint("1_000", 16));
    assertEquals(31, GoNumbers.parseUint("0x_1f", 16));
    assertEquals(65535, GoNumbers.parseUint("65535", 16));
    assertEquals(-1, GoNumbers.parseUint("18446744073709551615", 64));
    assertEquals(-16, GoNumbers.parseInt("-0x10", 64));
    assertEquals(1024, GoNumbers.parseInt("+1024", 64));
    assertEquals(Long.MIN_VALUE, GoNumbers.parseInt("-9223372036854775808", 64));
    assertEquals(1.5, GoNumbers.parseFloat("1.5"));
    assertEquals(1000, GoNumbers.parseFloat("1e3"));
    assertEquals(0.5, GoNumbers.parseFloat(".5"));
  }

  @Test
  void refusesInGosWords() {
    for (String bad : new String[] {"", "-5", "+5", "08", "0x", "1__0", "_1", "1_", "5 ", "١"}) {
      assertEquals("strconv.ParseUint: parsing \"" + bad + "\": invalid syntax", error(() -> GoNumbers.parseUint(bad, 16)));
    }
    // the overflow is reported at the digit that makes it, before a later bad character
    for (String big : new String[] {"65536", "0x10000", "99999x"}) {
      assertEquals("strconv.ParseUint: parsing \"" + big + "\": value out of range", error(() -> GoNumbers.parseUint(big, 16)));
    }
    for (String bad : new String[] {"abc", "", "-", "1.5", "--1", "1e3"}) {
      assertEquals("strconv.ParseInt: parsing \"" + bad + "\": invalid syntax", error(() -> GoNumbers.parseInt(bad, 64)));
    }
    for (String big : new String[] {"9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
      assertEquals("strconv.ParseInt: parsing \"" + big + "\": value out of range", error(() -> GoNumbers.parseInt(big, 64)));
    }
    for (String bad : new String[] {"abc", "1.2.3", "", "1_0", "1e"}) {
      assertEquals("strconv.ParseFloat: parsing \"" + bad + "\": invalid syntax", error(() -> GoNumbers.parseFloat(bad)));
    }
    assertEquals("strconv.ParseFloat: parsing \"1e400\": value out of range", error(() -> GoNumbers.parseFloat("1e400")));
  }

  static String error(Executable parse) {
    return assertThrows(GoValueError.class, parse).getMessage();
  }
}
