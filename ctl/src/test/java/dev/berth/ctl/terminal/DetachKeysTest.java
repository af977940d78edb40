package dev.berth.ctl.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
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
  void keysAreCharactersControlCombinationsOrDel() {
    assertEquals("x", passed(DetachKeys.parse("ctrl-a,ctrl-@,ctrl-_,q"), "x\u0001\u0000\u001fq", true));
    assertFalse(DetachKeys.parse("ctrl-x").scan(new byte[] {'x'}, 1, new ByteArrayOutputStream()));
    assertTrue(DetachKeys.parse("ctrl-x").scan(new byte[] {0x18}, 1, new ByteArrayOutputStream()));
    assertEquals("", passed(DetachKeys.parse("ctrl-[,ctrl-\\,ctrl-],ctrl-^,DEL"), "\u001b\u001c\u001d\u001e\u007f", true));
  }

  @Test
  void anEmptyValueIsTheDefaultSequenceAsDockersDaemonReadsIt() {
    assertEquals("ls", passed(DetachKeys.parse(""), "ls\u0010\u0011", true));
    assertEquals("ls", passed(DetachKeys.parseForExec(""), "ls\u0010\u0011", true));
  }

  @Test
  void withoutASequenceEverythingTypedIsPassedOn() {
    assertEquals("a\u0010\u0011b", passed(DetachKeys.NONE, "a\u0010\u0011b", false));
  }

  @Test
  void malformedKeysAreRefusedInDockersDaemonsWords() {
    InvalidDetachKeys e = assertThrows(InvalidDetachKeys.class, () -> DetachKeys.parse("ctrl-p,ctrl-1"));
    assertEquals("Invalid detach keys (ctrl-p,ctrl-1) provided", e.getMessage());
    assertEquals("Invalid escape keys (ctrl-p,ctrl-1) provided",
        assertThrows(InvalidDetachKeys.class, () -> DetachKeys.parseForExec("ctrl-p,ctrl-1")).getMessage());
    // as moby/term's: names are lower-case, a key is one byte, and none is empty
    for (String refused : List.of("ctrl-P", "del", "é", ",", "ctrl-p,", "ab")) {
      assertThrows(InvalidDetachKeys.class, () -> DetachKeys.parse(refused), refused);
    }
  }
}
