package dev.berth.ctl;

import com.google.protobuf.Empty;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.ServerResponse;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import dev.berth.client.images.Platform;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl version}: this client's version and the server's, with its UUID. */
@Command(name = "version",
    description = {"Show the client version and berthd's version, revision and UUID.",
        "--format takes json or a Go template over Docker's field names: Client.Version, Client.Os, Client.Arch, "
            + "Server.Version, Server.GitCommit (the revision), Server.UUID."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl version", "  berthctl version --format '{{.Server.Version}}'",
        "  berthctl version --format json"})
final class VersionCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "json or a Go template like '{{.Server.Version}}'")
  String format;

  @Override
  public Integer call() {
    VersionResponse version;
    ServerResponse server;
    try (Connection c = root.connect()) {
      version = VersionGrpc.newBlockingStub(c.channel()).version(Empty.getDefaultInstance());
      server = IntrospectionGrpc.newBlockingStub(c.channel()).server(Empty.getDefaultInstance());
    }
    PrintWriter out = root.out();
    if (format != null) {
      Map<String, Object> client = new LinkedHashMap<>();
      client.put("Version", BerthCtl.clientVersion());
      client.put("Os", "linux");
      client.put("Arch", Platform.current().architecture());
      Map<String, Object> serverInfo = new LinkedHashMap<>();
      serverInfo.put("Version", version.getVersion());
      serverInfo.put("GitCommit", version.getRevision());
      serverInfo.put("UUID", server.getUuid());
      Map<String, Object> both = new LinkedHashMap<>();
      both.put("Client", client);
      both.put("Server", serverInfo);
      Inspections.printOne(out, format.equals("json") ? "{{json .}}" : format, Json.mapper().valueToTree(both));
    } else {
      out.println("Client:");
      out.println("  Version:   " + BerthCtl.clientVersion());
      out.println();
      out.println("Server:");
      out.println("  Version:   " + version.getVersion());
      out.println("  Revision:  " + version.getRevision());
      out.println("  UUID:      " + server.getUuid());
    }
    return 0;
  }
}
