package dev.berth.ctl;

import com.google.protobuf.Empty;
import containerd.services.containers.v1.Container;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.Plugin;
import containerd.services.introspection.v1.PluginsRequest;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.version.v1.VersionGrpc;
import containerd.v1.types.Process;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Json;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.TemplateContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code berthctl info}: berthd and its host, as {@code docker info} shows them. berthd is reached
 * over a local socket, so the host's facts (kernel, OS, CPUs, memory, cgroup version) are read
 * here, on the same machine.
 */
@Command(name = "info",
    description = {"Show berthd and its host as docker info does: containers (running, paused, stopped), images, "
        + "server version, storage driver, cgroup driver and version, runtimes, kernel, OS, CPUs, memory, root "
        + "directory.",
        "--format takes json or a Go template over docker's field names (Containers, ContainersRunning, "
            + "ServerVersion, Driver, CgroupVersion, NCPU, MemTotal, DockerRootDir, LoggingDriver, "
            + "SecurityOptions, Swarm.LocalNodeState, ...)."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl info", "  berthctl info --format '{{.ServerVersion}} {{.Driver}}'",
        "  berthctl info --format json"})
final class InfoCommand implements Callable<Integer> {
  private static final String RUNTIME = "runc";

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "json or a Go template like '{{.NCPU}}'")
  String format;

  @Override
  public Integer call() {
    // read first, as Docker's: a template that cannot be read exits 64 without asking berthd
    Template template = format == null ? null : Inspections.parse("", format.equals("json") ? "{{json .}}" : format);
    Map<String, Object> info = new LinkedHashMap<>();
    List<Plugin> plugins;
    String serverVersion;
    try (Connection c = root.connect()) {
      Map<String, Process> tasks = new HashMap<>();
      TasksGrpc.newBlockingStub(c.channel()).list(ListTasksRequest.getDefaultInstance()).getTasksList()
          .forEach(t -> tasks.put(t.getContainerId(), t));
      int running = 0;
      int paused = 0;
      List<Container> containers = c.containers().list();
      for (Container record : containers) {
        ContainerState s = new ContainerState(record, Optional.ofNullable(tasks.get(record.getId())));
        if (s.paused()) {
          paused++;
        } else if (s.running()) {
          running++;
        }
      }
      // the fields in the order of Docker's system.Info, as its {{json .}} prints them
      info.put("ID", IntrospectionGrpc.newBlockingStub(c.channel()).server(Empty.getDefaultInstance()).getUuid());
      info.put("Containers", containers.size());
      info.put("ContainersRunning", running);
      info.put("ContainersPaused", paused);
      info.put("ContainersStopped", containers.size() - running - paused);
      info.put("Images", new ImageClient(c.channel()).list().stream().map(Image::target).map(d -> d.digest())
          .distinct().count());
      serverVersion = VersionGrpc.newBlockingStub(c.channel()).version(Empty.getDefaultInstance()).getVersion();
      plugins = IntrospectionGrpc.newBlockingStub(c.channel()).plugins(PluginsRequest.getDefaultInstance())
          .getPluginsList();
    }
    info.put("Driver", plugins.stream().filter(p -> p.getType().equals("io.containerd.snapshotter.v1"))
        .map(Plugin::getId).findFirst().orElse(""));
    // the drivers there are, in Docker's order (Volume, Network, Authorization, Log), the same at every run
    Map<String, Object> drivers = new LinkedHashMap<>();
    drivers.put("Volume", List.of("local"));
    drivers.put("Network", List.of("bridge", "host", "none"));
    drivers.put("Authorization", null);
    drivers.put("Log", List.of("json-file", "k8s-file", "local", "none"));
    info.put("Plugins", drivers);
    HostFeatures host = HostFeatures.read();
    info.putAll(host.limits());
    info.put("Debug", false);
    info.put("OomKillDisable", host.oomKillDisable());
    // the default log driver
    info.put("LoggingDriver", "json-file");
    info.put("CgroupDriver", "cgroupfs");
    info.put("CgroupVersion", host.cgroupVersion());
    info.put("KernelVersion", read("/proc/sys/kernel/osrelease").strip());
    info.put("OperatingSystem", osRelease());
    info.put("OSType", "linux");
    info.put("Architecture", architecture());
    info.put("RegistryConfig", registryConfig());
    info.put("NCPU", Runtime.getRuntime().availableProcessors());
    info.put("MemTotal", memTotal());
    info.put("DockerRootDir", plugins.stream().filter(p -> p.getId().equals("introspection"))
        .map(p -> p.getExportsMap().getOrDefault("root", "")).findFirst().orElse(""));
    info.put("Name", read("/proc/sys/kernel/hostname").strip());
    info.put("Labels", List.of());
    info.put("ExperimentalBuild", false);
    info.put("ServerVersion", serverVersion);
    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("path", "runc");
    runtime.put("runtimeType", "io.containerd.runc.v2");
    info.put("Runtimes", Map.of(RUNTIME, runtime));
    info.put("DefaultRuntime", RUNTIME);
    // swarm mode, which scripts ask before they go on
    Map<String, Object> swarm = new LinkedHashMap<>();
    swarm.put("NodeID", "");
    swarm.put("NodeAddr", "");
    swarm.put("LocalNodeState", "inactive");
    swarm.put("ControlAvailable", false);
    swarm.put("Error", "");
    swarm.put("RemoteManagers", null);
    info.put("Swarm", swarm);
    // containers outlive a restart of berthd
    info.put("LiveRestoreEnabled", true);
    // the security features containers get
    info.put("SecurityOptions", List.of("name=seccomp,profile=builtin"));
    // Berth is the containerd Docker's daemon would name: its socket, and the namespace of the containers
    Map<String, Object> namespaces = new LinkedHashMap<>();
    namespaces.put("Containers", root.namespace());
    namespaces.put("Plugins", "");
    Map<String, Object> containerd = new LinkedHashMap<>();
    containerd.put("Address", root.address().toString());
    containerd.put("Namespaces", namespaces);
    info.put("Containerd", containerd);
    info.put("Warnings", host.warnings());
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("Debug", root.debug);
    client.putAll(VersionCommand.clientFields());
    client.put("Plugins", List.of());
    client.put("Warnings", null);
    info.put("ClientInfo", client);
    if (template != null) {
      Inspections.printOne(root.out(), template, TemplateContext.INFO, Json.mapper().valueToTree(info));
      return 0;
    }
    print(root.out(), info);
    // after a blank line, on stderr, as Docker's CLI prints the daemon's warnings
    root.out().println();
    root.out().flush();
    if (info.get("Warnings") instanceof List<?> warnings) {
      warnings.forEach(root.err()::println);
    }
    return 0;
  }

  private static void print(PrintWriter out, Map<String, Object> i) {
    out.println("Client:");
    out.println(" Version:    " + BerthCtl.clientVersion());
    out.println();
    out.println("Server:");
    out.println(" Containers: " + i.get("Containers"));
    out.println("  Running: " + i.get("ContainersRunning"));
    out.println("  Paused: " + i.get("ContainersPaused"));
    out.println("  Stopped: " + i.get("ContainersStopped"));
    out.println(" Images: " + i.get("Images"));
    out.println(" Server Version: " + i.get("ServerVersion"));
    out.println(" Storage Driver: " + i.get("Driver"));
    out.println(" Logging Driver: " + i.get("LoggingDriver"));
    out.println(" Cgroup Driver: " + i.get("CgroupDriver"));
    out.println(" Cgroup Version: " + i.get("CgroupVersion"));
    out.println(" Plugins:");
    out.println("  Volume: local");
    out.println("  Network: bridge host none");
    out.println("  Log: json-file k8s-file local none");
    out.println(" Swarm: inactive");
    out.println(" Runtimes: io.containerd.runc.v2 " + RUNTIME);
    out.println(" Default Runtime: " + i.get("DefaultRuntime"));
    out.println(" Security Options:");
    out.println("  seccomp");
    out.println("   Profile: builtin");
    out.println(" Kernel Version: " + i.get("KernelVersion"));
    out.println(" Operating System: " + i.get("OperatingSystem"));
    out.println(" OSType: " + i.get("OSType"));
    out.println(" Architecture: " + i.get("Architecture"));
    out.println(" CPUs: " + i.get("NCPU"));
    out.println(" Total Memory: " + Output.memory((Long) i.get("MemTotal")));
    out.println(" Name: " + i.get("Name"));
    out.println(" ID: " + i.get("ID"));
    out.println(" Berth Root Dir: " + i.get("DockerRootDir"));
    out.println(" Debug Mode: false");
    out.println(" Experimental: false");
    out.println(" Live Restore Enabled: true");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }

  private static String osRelease() {
    for (String line : read("/etc/os-release").split("\n")) {
      if (line.startsWith("PRETTY_NAME=")) {
        return line.substring("PRETTY_NAME=".length()).replace("\"", "");
      }
    }
    return "Linux";
  }

  /** As uname -m names it, as docker info shows it. */
  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64" -> "x86_64";
      case "arm64" -> "aarch64";
      default -> arch;
    };
  }

  private static long memTotal() {
    for (String line : read("/proc/meminfo").split("\n")) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  /**
   * Docker's daemon's registry configuration without daemon.json settings, which is Berth's: the
   * loopback addresses insecure (plain HTTP), docker.io secure and official, no daemon-wide
   * mirrors (Berth's are per registry, in hosts.toml under --registry-config).
   */
  private static Map<String, Object> registryConfig() {
    Map<String, Object> dockerIo = new LinkedHashMap<>();
    dockerIo.put("Name", "docker.io");
    dockerIo.put("Mirrors", List.of());
    dockerIo.put("Secure", true);
    dockerIo.put("Official", true);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("AllowNondistributableArtifactsCIDRs", null);
    config.put("AllowNondistributableArtifactsHostnames", null);
    config.put("InsecureRegistryCIDRs", List.of("::1/128", "127.0.0.0/8"));
    config.put("IndexConfigs", Map.of("docker.io", dockerIo));
    config.put("Mirrors", null);
    return config;
  }
}
