package dev.berth.ctl;

import com.google.protobuf.Empty;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.ServerResponse;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Output;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl version}: this client's version and the server's, with its UUID. */
@Command(name = "version",
    description = "Show the client version and berthd's version, revision and UUID.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl version", "  berthctl version --format json"})
final class VersionCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Mixin
  FormatOption format;

  @Override
  public Integer call() {
    VersionResponse version;
    ServerResponse server;
    try (Connection c = root.connect()) {
      version = VersionGrpc.newBlockingStub(c.channel()).version(Empty.getDefaultInstance());
      server = IntrospectionGrpc.newBlockingStub(c.channel()).server(Empty.getDefaultInstance());
    }
    PrintWriter out = root.out();
    if (format.json()) {
      Map<String, Object> serverInfo = new LinkedHashMap<>();
      serverInfo.put("version", version.getVersion());
      serverInfo.put("revision", version.getRevision());
      serverInfo.put("uuid", server.getUuid());
      Output.json(out, Map.of("client", Map.of("version", BerthCtl.clientVersion()),
          "server", serverInfo));
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
