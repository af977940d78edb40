package dev.berth.ctl;

import com.google.protobuf.Empty;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import dev.berth.client.images.Platform;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Json;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl version}: this client's version and build, and berthd's, in Docker's layout. */
@Command(name = "version",
    description = {"Show the version, commit, build time, Java runtime and platform of berthctl and of berthd.",
        "--format takes json or a Go template over Docker's field names: Client.Version, Client.GitCommit, "
            + "Client.BuildTime, Client.Os, Client.Arch, Server.Version, Server.APIVersion, Server.GitCommit, "
            + "Server.KernelVersion, Server.Components; GoVersion and JavaVersion the Java runtime's."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl version", "  berthctl version --format '{{.Server.Version}}'",
        "  berthctl version --format json"})
final class VersionCommand implements Callable<Integer> {
  /** What Docker's version shows after "Client:" and "Server:": the product's name. */
  private static final String PLATFORM = "Berth";
  /**
   * The Docker Engine API version whose behaviour berthctl and berthd follow (Docker 27.5's), for
   * the scripts that read {@code {{.Server.APIVersion}}} to choose what to use; Berth serves no
   * Docker HTTP API.
   */
  static final String API_VERSION = "1.47";
  /** Docker 27.5's oldest API version, its {@code MinAPIVersion}. */
  private static final String MIN_API_VERSION = "1.24";
  /** Docker's tab writer pads the names to 20 columns at least; none of these is longer. */
  private static final int NAME_WIDTH = 20;

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "json or a Go template like '{{.Server.Version}}'")
  String format;

  /**
   * What berthd says of itself: its Version API's answer, and what its version plugin exports in
   * Introspection (build time, Java runtime, OS and architecture; none from a server that lists no
   * such plugin).
   */
  private record Server(VersionResponse version, Map<String, String> exports) {
    String export(String key) {
      return exports.getOrDefault(key, "unknown");
    }
  }

  /**
   * As Docker's: the client's part even when berthd does not answer, then berthd's error
   * (exit 1).
   */
  @Override
  public Integer call() {
    if (format != null) {
      return formatted();
    }
    ClientBuild client = ClientBuild.INSTANCE;
    List<String> lines = new ArrayList<>();
    lines.add("Client: " + PLATFORM);
    lines.add(field(" Version:", BerthCtl.clientVersion()));
    lines.add(field(" Java version:", client.javaVersion()));
    lines.add(field(" Git commit:", client.commit()));
    lines.add(field(" Built:", BuildTimes.ansic(client.built())));
    lines.add(field(" OS/Arch:", "linux/" + Platform.current().architecture()));
    Server server;
    try {
      server = server();
    } catch (RuntimeException e) {
      // as Docker's: the client's part, then berthd's error
      Output.lines(root.out(), lines);
      throw e;
    }
    lines.add("");
    lines.add("Server: " + PLATFORM);
    lines.add(" Engine:");
    lines.add(field("  Version:", server.version().getVersion()));
    lines.add(field("  Java version:", server.export("java_version")));
    lines.add(field("  Git commit:", server.version().getRevision()));
    lines.add(field("  Built:", BuildTimes.ansic(server.export("build_time"))));
    lines.add(field("  OS/Arch:", server.export("os") + "/" + server.export("arch")));
    lines.add(field("  Experimental:", "false"));
    // in one write, as Docker's: `version | head -1` under pipefail is not a broken pipe
    Output.lines(root.out(), lines);
    return 0;
  }

  private static String field(String name, String value) {
    StringBuilder line = new StringBuilder(NAME_WIDTH + value.length()).append(name);
    while (line.length() < NAME_WIDTH) {
      line.append(' ');
    }
    return line.append(value).toString();
  }

  /**
   * One round trip: the version plugin's exports are asked for while the version is, on the same
   * connection.
   */
  private Server server() {
    try (Connection c = root.connect()) {
      PluginExports exports = PluginExports.ask(c.channel(), "type==io.containerd.grpc.v1,id==version");
      VersionResponse version = VersionGrpc.newBlockingStub(c.channel()).version(Empty.getDefaultInstance());
      return new Server(version, exportsOf(exports));
    }
  }

  /** The plugin's exports; none from a berthd that serves no Introspection. */
  private static Map<String, String> exportsOf(PluginExports exports) {
    try {
      return exports.await();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Map.of();
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted while berthd was asked for its version");
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
    Map<String, Object> both = new LinkedHashMap<>();
    both.put("Client", clientFields());
    Server server;
    try {
      server = server();
    } catch (DaemonUnreachableException | StatusRuntimeException e) {
      both.put("Server", null);
      try {
        Inspections.printOne(root.out(), template, TemplateContext.VERSION, Json.mapper().valueToTree(both));
      } catch (TemplateFailure templateFailure) {
        // berthd's error is the one to report
      }
      throw e;
    }
    both.put("Server", serverFields(server));
    Inspections.printOne(root.out(), template, TemplateContext.VERSION, Json.mapper().valueToTree(both));
    return 0;
  }

  /**
   * Docker's {@code Client} of {@code version} (its clientVersion), which {@code info}'s
   * {@code ClientInfo} holds too: the Java runtime's version is {@code GoVersion} as well.
   */
  static Map<String, Object> clientFields() {
    ClientBuild build = ClientBuild.INSTANCE;
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("Platform", Map.of("Name", PLATFORM));
    client.put("Version", BerthCtl.clientVersion());
    client.put("ApiVersion", API_VERSION);
    client.put("DefaultAPIVersion", API_VERSION);
    client.put("GitCommit", build.commit());
    client.put("GoVersion", build.javaVersion());
    client.put("JavaVersion", build.javaVersion());
    client.put("Os", "linux");
    client.put("Arch", Platform.current().architecture());
    client.put("BuildTime", BuildTimes.ansic(build.built()));
    client.put("Context", "default");
    return client;
  }

  /**
   * Docker's {@code Server} of {@code version}: the engine as a component, and its fields at the
   * top too, the Java runtime's version as {@code GoVersion}; the kernel's is this machine's, as
   * berthd is on the socket's end.
   */
  private static Map<String, Object> serverFields(Server server) {
    Map<String, String> details = new TreeMap<>();
    details.put("ApiVersion", API_VERSION);
    details.put("MinAPIVersion", MIN_API_VERSION);
    details.put("GitCommit", server.version().getRevision());
    details.put("GoVersion", server.export("java_version"));
    details.put("JavaVersion", server.export("java_version"));
    details.put("KernelVersion", kernelVersion());
    details.put("BuildTime", BuildTimes.ansic(server.export("build_time")));
    details.put("Os", server.export("os"));
    details.put("Arch", server.export("arch"));
    details.put("Experimental", "false");
    Map<String, Object> engine = new LinkedHashMap<>();
    engine.put("Name", "Engine");
    engine.put("Version", server.version().getVersion());
    engine.put("Details", details);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("Platform", Map.of("Name", PLATFORM));
    fields.put("Components", List.of(engine));
    fields.put("Version", server.version().getVersion());
    fields.put("ApiVersion", API_VERSION);
    fields.put("MinAPIVersion", MIN_API_VERSION);
    fields.put("GitCommit", server.version().getRevision());
    fields.put("GoVersion", server.export("java_version"));
    fields.put("JavaVersion", server.export("java_version"));
    fields.put("Os", server.export("os"));
    fields.put("Arch", server.export("arch"));
    fields.put("KernelVersion", kernelVersion());
    fields.put("BuildTime", server.export("build_time"));
    return fields;
  }

  private static String kernelVersion() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
