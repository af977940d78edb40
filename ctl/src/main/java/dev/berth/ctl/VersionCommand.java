package dev.berth.ctl;

import com.google.protobuf.Empty;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.ServerResponse;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import dev.berth.client.images.Platform;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Json;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.TemplateFailure;
import io.grpc.StatusRuntimeException;
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

  /** What berthd says of itself. */
  private record Server(VersionResponse version, ServerResponse introspection) {}

  /**
   * As Docker's: the client's part even when berthd does not answer, then berthd's error
   * (exit 1).
   */
  @Override
  public Integer call() {
    if (format != null) {
      return formatted();
    }
    PrintWriter out = root.out();
    out.println("Client:");
    out.println("  Version:   " + BerthCtl.clientVersion());
    Server server = server();
    out.println();
    out.println("Server:");
    out.println("  Version:   " + server.version().getVersion());
    out.println("  Revision:  " + server.version().getRevision());
    out.println("  UUID:      " + server.introspection().getUuid());
    return 0;
  }

  private Server server() {
    try (Connection c = root.connect()) {
      return new Server(VersionGrpc.newBlockingStub(c.channel()).version(Empty.getDefaultInstance()),
          IntrospectionGrpc.newBlockingStub(c.channel()).server(Empty.getDefaultInstance()));
    }
  }

  /**
   * The template over Docker's fields, read before berthd is asked (exit 64 where it cannot be);
   * without berthd over {@code Client} and a null {@code Server}, whose fields are then an error
   * as a nil pointer's are in Go: what the template wrote before and a newline go to stdout, and
   * berthd's error, which wins over the template's as in Docker's, to stderr.
   */
  private int formatted() {
    // Docker names its version template, and its errors say so: template: version:1:9: ...
    Template template = Inspections.parse("version", format.equals("json") ? "{{json .}}" : format);
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("Version", BerthCtl.clientVersion());
    client.put("Os", "linux");
    client.put("Arch", Platform.current().architecture());
    Map<String, Object> both = new LinkedHashMap<>();
    both.put("Client", client);
    Server server;
    try {
      server = server();
    } catch (DaemonUnreachableException | StatusRuntimeException e) {
      both.put("Server", null);
      try {
        Inspections.printOne(root.out(), template, Json.mapper().valueToTree(both));
      } catch (TemplateFailure templateFailure) {
        // berthd's error is the one to report
      }
      throw e;
    }
    Map<String, Object> serverInfo = new LinkedHashMap<>();
    serverInfo.put("Version", server.version().getVersion());
    serverInfo.put("GitCommit", server.version().getRevision());
    serverInfo.put("UUID", server.introspection().getUuid());
    both.put("Server", serverInfo);
    Inspections.printOne(root.out(), template, Json.mapper().valueToTree(both));
    return 0;
  }
}
