package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only the named command is built; the others still show in help, suggestions and completion. */
class SubcommandsTest {
  @Test
  void theCommandWordSkipsRootOptionsAndTheirValues() {
    assertEquals("ps", Subcommands.named(new String[] {"--address", "/s", "--namespace", "run", "ps", "-a"}));
    assertEquals("ps", Subcommands.named(new String[] {"--address=/s", "--namespace=run", "--namespace", "x", "ps"}));
    assertEquals("ns", Subcommands.named(new String[] {"ns", "ls"}));
    assertEquals("ps", Subcommands.named(new String[] {"-H", "unix:///s", "-D", "-l", "debug", "--config", "/c", "ps"}));
    assertNull(Subcommands.named(new String[] {"--help"}));
  }

  @Test
  void dockersImageFormsRunTheTopLevelCommands() {
    assertArrayEquals(new String[] {"--namespace", "x", "images", "-q"},
        Subcommands.withTopLevelNames(new String[] {"--namespace", "x", "image", "ls", "-q"}));
    assertArrayEquals(new String[] {"rmi", "-f", "busybox"}, Subcommands.withTopLevelNames(new String[] {"image", "rm", "-f", "busybox"}));
    assertArrayEquals(new String[] {"history", "busybox"}, Subcommands.withTopLevelNames(new String[] {"image", "history", "busybox"}));
    String[] own = {"image", "inspect", "busybox"};
    assertArrayEquals(own, Subcommands.withTopLevelNames(own));
    String[] notImage = {"ps", "image", "ls"};
    assertArrayEquals(notImage, Subcommands.withTopLevelNames(notImage));
  }

  @Test
  void helpNamesTheCommandWhoseHelpItShows() {
    assertArrayEquals(new String[] {"run", "--help"}, Subcommands.withTopLevelNames(new String[] {"help", "run"}));
    assertArrayEquals(new String[] {"--help"}, Subcommands.withTopLevelNames(new String[] {"help"}));
    assertArrayEquals(new String[] {"ps", "--help"},
        Subcommands.withTopLevelNames(new String[] {"help", "container", "ls"}));
  }

  @Test
  void dockersContainerFormsRunTheTopLevelCommandsButTheGroupKeepsItsOwn() {
    assertArrayEquals(new String[] {"stop", "-t", "1", "web"},
        Subcommands.withTopLevelNames(new String[] {"container", "stop", "-t", "1", "web"}));
    assertArrayEquals(new String[] {"--namespace", "x", "logs", "-f", "web"},
        Subcommands.withTopLevelNames(new String[] {"--namespace", "x", "container", "logs", "-f", "web"}));
    assertArrayEquals(new String[] {"inspect", "--type=container", "-f", "{{.Id}}", "web"},
        Subcommands.withTopLevelNames(new String[] {"container", "inspect", "-f", "{{.Id}}", "web"}));
    assertArrayEquals(new String[] {"ps", "-a"}, Subcommands.withTopLevelNames(new String[] {"container", "ls", "-a"}));
    assertArrayEquals(new String[] {"rm", "-f", "web"},
        Subcommands.withTopLevelNames(new String[] {"container", "remove", "-f", "web"}));
    for (String own : List.of("records", "delete", "prune")) {
      String[] args = {"container", own, "web"};
      assertArrayEquals(args, Subcommands.withTopLevelNames(args));
    }
  }

  @Test
  void aNamedCommandGoesAloneUnlessARootOptionComesFirst() {
    assertFalse(Subcommands.rootOptionFirst(new String[] {"--address", "/s", "--namespace=x", "ps", "--help"}));
    assertTrue(Subcommands.rootOptionFirst(new String[] {"--address=/s", "-h", "ps"}));
    assertTrue(Subcommands.rootOptionFirst(new String[] {"--version", "ps"}));
    // Docker's global settings leave the command to be built alone
    assertFalse(Subcommands.rootOptionFirst(new String[] {"-H", "unix:///s", "-D", "-l", "warn", "--config", "/c", "ps"}));
    assertFalse(Subcommands.rootOptionFirst(new String[] {"--host=unix:///s", "--debug", "--log-level=info", "ps"}));
  }

  @Test
  void rootHelpBeforeACommandStillListsEveryCommand() {
    Cli.Result r = Cli.run(Map.of(), "--help", "ps");
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().startsWith("Usage: berthctl [-DhV]"), r.out());
    assertTrue(r.out().contains("  namespace, ns  ") && r.out().contains("  ps  "), r.out());
  }

  @Test
  void rootHelpListsEveryCommandWithItsAliases() {
    Cli.Result r = Cli.run(Map.of(), "--help");
    assertEquals(0, r.exit(), r::toString);
    for (String listed : new String[] {"  version  ", "  namespace, ns  ", "  container, containers  ", "  completion  "}) {
      assertTrue(r.out().contains(listed), listed + " in\n" + r.out());
    }
  }

  @Test
  void anAliasBuildsItsCommand() {
    Cli.Result r = Cli.run(Map.of(), "ns", "ls", "--help");
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().startsWith("Usage: berthctl namespace ls"), r.out());
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithSuggestions() {
    Cli.Result r = Cli.run(Map.of(), "psx");
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.stderr().startsWith("berthctl: 'psx' is not a berthctl command. Did you mean ps"), r.stderr());
  }

  @Test
  void completionCoversNestedCommands() {
    Cli.Result r = Cli.run(Map.of(), "completion");
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("network ls"), "network ls completed");
  }
}
