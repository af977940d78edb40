package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The root's help printed from the build as picocli renders it. */
class RootHelpTest {
  @Test
  void theBuiltHelpIsWhatPicocliRendersFromTheCommandsNow() throws Exception {
    ByteArrayOutputStream built = new ByteArrayOutputStream();
    assertTrue(RootHelp.print(built), "the build wrote no " + RootHelp.RESOURCE);
    String rendered = RootHelp.render();
    assertTrue(rendered.startsWith("Usage: berthctl "), rendered);
    assertTrue(rendered.contains("\nCommands:\n"), rendered);
    assertEquals(rendered, built.toString(StandardCharsets.UTF_8));
  }

  @Test
  void bareBerthctlAndItsHelpFlagsPrintItOnStdoutAndExitZero() {
    String rendered = RootHelp.render();
    for (String[] args : new String[][] {{}, {"-h"}, {"--help"}, {"--address", "/nowhere.sock", "--help"}}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = BerthCtl.launch(new Io(new ByteArrayInputStream(new byte[0]), out,
          new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), false), args);
      assertEquals(0, exit, String.join(" ", args));
      assertEquals(rendered, out.toString(StandardCharsets.UTF_8), String.join(" ", args));
      assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void onlyTheRootsHelpAloneIsPrintedFromTheBuild() {
    assertTrue(RootHelp.asked(new String[0]));
    assertTrue(RootHelp.asked(new String[] {"--help"}));
    // settings the help does not show, as an alias gives them
    assertTrue(RootHelp.asked(new String[] {"--address", "/x.sock", "--namespace=y", "-D", "--help"}));
    assertTrue(RootHelp.asked(new String[] {"-H", "unix:///x.sock"}));
    // picocli's to check or to answer: a log level, a missing value, a command, another option
    assertFalse(RootHelp.asked(new String[] {"-l", "bogus", "--help"}));
    assertFalse(RootHelp.asked(new String[] {"--address"}));
    assertFalse(RootHelp.asked(new String[] {"--address", "/x.sock", "ps", "--help"}));
    assertFalse(RootHelp.asked(new String[] {"ps", "--help"}));
    assertFalse(RootHelp.asked(new String[] {"--version"}));
    assertFalse(RootHelp.asked(new String[] {"--help", "--help"}));
  }
}
