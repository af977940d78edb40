package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Empty;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** berthctl namespace and version against the real metadata services on a Unix socket. */
class NamespaceAndVersionOverUnixSocketTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  final BerthOnSocket berth = new BerthOnSocket();

  @Test
  void createListAndRemoveNamespaces() throws Exception {
    Cli.Result create = berth.ctl("namespace", "create", "demo", "--label", "team=web", "-l", "tier=2");
    assertEquals(0, create.exit(), create::toString);
    assertEquals("demo\n", create.out());
    assertEquals(0, berth.ctl("ns", "create", "alpha").exit());

    Cli.Result table = berth.ctl("ns", "ls");
    assertEquals(List.of("NAME      LABELS", "alpha", "demo      team=web,tier=2"), table.out().lines().toList(),
        table::toString);
    assertEquals("alpha\ndemo\n", berth.ctl("ns", "ls", "-q").out());

    JsonNode json = JSON.readTree(berth.ctl("namespace", "ls", "--format", "json").stdout());
    assertEquals(2, json.size());
    assertEquals("demo", json.get(1).get("name").asText());
    assertEquals("web", json.get(1).get("labels").get("team").asText());
    assertTrue(json.get(0).get("labels").isObject());

    Cli.Result rm = berth.ctl("ns", "rm", "demo", "alpha");
    assertEquals(0, rm.exit(), rm::toString);
    assertEquals("demo\nalpha\n", rm.out());
    assertEquals("NAME      LABELS\n", berth.ctl("ns", "ls").out());
    assertEquals("[]\n", berth.ctl("ns", "ls", "--format", "json").out());
  }

  @Test
  void namespaceErrorsAreOneLine() {
    assertEquals(0, berth.ctl("ns", "create", "demo").exit());
    Cli.Result duplicate = berth.ctl("ns", "create", "demo");
    assertEquals(1, duplicate.exit(), duplicate::toString);
    assertTrue(duplicate.stderr().startsWith("Error response from daemon: ") && duplicate.stderr().contains("demo"), duplicate::toString);
    assertEquals(1, duplicate.stderr().lines().count());

    Cli.Result absent = berth.ctl("ns", "rm", "nosuch");
    assertEquals(1, absent.exit());
    assertEquals("no such namespace: nosuch\n", absent.stderr());

    Cli.Result badName = berth.ctl("ns", "create", "Bad Name!");
    assertEquals(1, badName.exit());
    assertTrue(badName.stderr().startsWith("Error response from daemon: "), badName::toString);
  }

  @Test
  void namespaceHoldingContentIsNotRemoved() {
    byte[] data = "layer".getBytes(StandardCharsets.UTF_8);
    assertEquals(0, berth.ctlWithInput(data, "--namespace", "busy", "content", "ingest", "x").exit());
    Cli.Result rm = berth.ctl("ns", "rm", "busy");
    assertEquals(1, rm.exit(), rm::toString);
    assertTrue(rm.stderr().startsWith("Error response from daemon: ") && rm.stderr().contains("busy"), rm::toString);
    assertEquals("busy\n", berth.ctl("ns", "ls", "-q").out());
  }

  @Test
  void versionShowsTheServersVersionApiAndUnknownForWhatItDoesNotExport() throws Exception {
    VersionResponse served;
    ManagedChannel channel = Channels.unix(berth.socket());
    try {
      served = VersionGrpc.newBlockingStub(channel).version(Empty.getDefaultInstance());
    } finally {
      channel.shutdownNow();
    }

    Cli.Result table = berth.ctl("version");
    assertEquals(0, table.exit(), table::toString);
    String text = table.out();
    List<String> lines = text.lines().toList();
    assertEquals("Client: Berth", lines.get(0));
    assertEquals(" Version:           " + BerthCtl.clientVersion(), lines.get(1));
    // a server that lists no version plugin in Introspection (this one lists none) tells its version alone
    assertTrue(text.endsWith("\n\nServer: Berth\n Engine:\n  Version:          " + served.getVersion() + "\n"
        + "  Java version:     unknown\n  Git commit:       " + served.getRevision() + "\n"
        + "  Built:            unknown\n  OS/Arch:          unknown/unknown\n  Experimental:     false\n"), text);
    // in one write: version | head -1 under set -o pipefail is no broken pipe
    Cli.Result piped = berth.ctlIntoReaderThatLeaves("version");
    assertEquals(0, piped.exit(), piped::toString);
    assertEquals(text, piped.out());

    // Docker's fields, for jq and templates
    JsonNode json = JSON.readTree(berth.ctl("version", "--format", "json").stdout());
    assertEquals(BerthCtl.clientVersion(), json.get("Client").get("Version").asText());
    assertEquals("linux", json.get("Client").get("Os").asText());
    assertEquals(served.getRevision(), json.get("Server").get("GitCommit").asText());
    assertEquals(served.getVersion() + "\n", berth.ctl("version", "--format", "{{.Server.Version}}").out());
    Cli.Result unknownField = berth.ctl("version", "--format", "{{.Nope}}");
    assertEquals("template: version:1:2: executing \"version\" at <.Nope>: can't evaluate field Nope in type "
        + "system.versionInfo\n", unknownField.stderr());
  }
}
