package dev.berth.ctl.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.ctl.CommandFailure;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class DetachKeysTest {
  private static String passed(DetachKeys keys, String typed, boolean detaches) {
    ByteArrayOutputStream pass = new ByteArrayOutputStream();
    byte[] bytes = typed.getBytes();
    assertEquals(detaches, keys.scan(bytes, bytes.length, pass), typed);
    return pass.toString();
  }

  @Test
  void theDefaultSequenceDetachesAndIsNotPassedOn() {
    DetachKeys keys = DetachKeys.parse(DetachKeys.DEFAULT);
    assertEquals("ls\n", passed(keys, "ls\n\u0010\u0011after", true));
  }

  @Test
  void aBrokenOffSequenceReachesTheProcessAsTyped() {
    DetachKeys keys = DetachKeys.parse(DetachKeys.DEFAULT);
    assertEquals("a\u0010b", passed(keys, "a\u0010b", false));
    assertEquals("\u0010", passed(keys, "\u0010\u0010", false));
    // the second ctrl-p started the sequence again; ctrl-q completes it in the next read
    assertEquals("", passed(keys, "\u0011", true));
  }

  @Test
  void keysAreCharactersOrControlCombinations() {
    assertEquals("x", passed(DetachKeys.parse("ctrl-a,ctrl-@,ctrl-_,q"), "x\u0001\u0000\u001fq", true));
    assertFalse(DetachKeys.parse("ctrl-x").scan(new byte[] {'x'}, 1, new ByteArrayOutputStream()));
    assertTrue(DetachKeys.parse("ctrl-X").scan(new byte[] {0x18}, 1, new ByteArrayOutputStream()));
  }

  @Test
  void withoutASequenceEverythingTypedIsPassedOn() {
    assertEquals("a\u0010\u0011b", passed(DetachKeys.NONE, "a\u0010\u0011b", false));
  }

  @Test
  void malformedKeysAreRefusedWithTheirName() {
    CommandFailure e = assertThrows(CommandFailure.class, () -> DetachKeys.parse("ctrl-p,ctrl-1"));
    assertTrue(e.getMessage().contains("ctrl-1"), e.getMessage());
    assertThrows(CommandFailure.class, () -> DetachKeys.parse(""));
  }
}
