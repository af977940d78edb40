package dev.berth.api.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.InvalidValueException;
import java.util.function.Function;

/** What the tests of value grammars (labels, flags) hold every refusal to. */
public final class Refusals {
  private Refusals() {}

  /** The error {@code parser} refuses {@code text} with: one line, quoting the text. */
  public static String refused(Function<String, ?> parser, String text) {
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> parser.apply(text), text);
    assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
    return e.getMessage();
  }
}
