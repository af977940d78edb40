package dev.berth.ctl.container;

import berth.network.v1.AttachmentStatsRequest;
import berth.network.v1.AttachmentStatsResponse;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.InterfaceStats;
import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.MetricsRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.types.Metric;
import containerd.v1.types.Process;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import dev.berth.ctl.output.Output;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code berthctl stats}: CPU, memory, network and block I/O and process counts of running
 * containers, as docker shows them.
 */
@Command(name = "stats",
    description = "Show running containers' (with -a every container's) CPU use (over the last interval), "
        + "memory use and limit, bytes received and sent on their networks' interfaces, bytes read and written on "
        + "block devices, and number of processes, refreshed every second in place until interrupted; --no-stream "
        + "prints once.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl stats", "  berthctl stats --no-stream web", "  berthctl stats --no-stream --format json",
        "  berthctl stats --no-stream --format '{{.Name}}: {{.CPUPerc}} {{.MemUsage}}'"})
public final class StatsCommand implements Callable<Integer> {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  /** The first reading of --no-stream is compared with one this much later. */
  private static final Duration FIRST_INTERVAL = Duration.ofMillis(500);
  private static final String CLEAR_SCREEN = "\033[2J\033[H";

  @ParentCommand
  BerthCtl root;

  @Option(names = "--no-stream", description = "print one reading and exit")
  boolean noStream;

  @Option(names = {"-a", "--all"}, description = "every container, stopped ones with zeros (default: running ones)")
  boolean all;

  @Option(names = "--no-trunc", description = "print full container ids")
  boolean noTrunc;

  @Mixin
  TemplateFormatOption format;

  @Parameters(paramLabel = "CONTAINER", arity = "0..*", description = "names, ids or id prefixes (default: all running)")
  List<String> containers = new ArrayList<>();

  /** Each container as its argument named it: docker's {@code Container} field. */
  private final Map<String, String> asked = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    try (Connection c = root.connect()) {
      Map<String, String> names = new LinkedHashMap<>();
      List<String> filters = new ArrayList<>();
      if (containers.isEmpty()) {
        nameEveryContainer(c, names);
      } else {
        for (String argument : containers) {
          Container r = ContainerArgument.resolve(c.channel(), argument);
          names.put(r.getId(), ContainerArgument.name(r));
          asked.put(r.getId(), argument);
          filters.add("id==\"" + r.getId() + "\"");
        }
      }
      TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(c.channel());
      AttachmentsGrpc.AttachmentsBlockingStub attachments = AttachmentsGrpc.newBlockingStub(c.channel());
      MetricsRequest request = MetricsRequest.newBuilder().addAllFilters(filters).build();
      Map<String, TaskSample> before = read(tasks, request);
      long beforeAt = System.nanoTime();
      Thread.sleep((noStream ? FIRST_INTERVAL : INTERVAL).toMillis());
      while (true) {
        Map<String, TaskSample> now = read(tasks, request);
        long nowAt = System.nanoTime();
        if (containers.isEmpty()) {
          nameEveryContainer(c, names);
        } else {
          renameNamed(c, names);
        }
        print(names, before, now, traffic(attachments, now.keySet()), nowAt - beforeAt);
        if (noStream) {
          return 0;
        }
        before = now;
        beforeAt = nowAt;
        Thread.sleep(INTERVAL.toMillis());
      }
    }
  }

  /**
   * Every container by its name now, in the order first seen: docker's stats reads each frame's
   * names from the daemon, so a rename shows at the next frame, a container created or started
   * since stats began joins it and a removed one leaves it.
   */
  private static void nameEveryContainer(Connection c, Map<String, String> names) {
    Map<String, String> now = new LinkedHashMap<>();
    c.containers().list().forEach(r -> now.put(r.getId(), ContainerArgument.name(r)));
    names.keySet().retainAll(now.keySet());
    names.putAll(now);
  }

  /** The containers named on the command line by their names now; a removed one keeps its last. */
  private static void renameNamed(Connection c, Map<String, String> names) {
    for (Map.Entry<String, String> e : names.entrySet()) {
      ContainerArgument.find(c.channel(), e.getKey()).ifPresent(r -> e.setValue(ContainerArgument.name(r)));
    }
  }

  /**
   * The running containers' samples. Metrics also reports an ended task until its delete (its
   * cgroup is still there, as containerd's does), so whether it runs is read from its status: an
   * exited container shows as Docker shows it, left out or with zeros.
   */
  private static Map<String, TaskSample> read(TasksGrpc.TasksBlockingStub tasks, MetricsRequest request) {
    List<Metric> metrics = tasks.metrics(request).getMetricsList();
    Set<String> ended = new HashSet<>();
    for (Process t : tasks.list(ListTasksRequest.getDefaultInstance()).getTasksList()) {
      if (t.getStatus() == containerd.v1.types.Status.STOPPED) {
        ended.add(t.getContainerId());
      }
    }
    Map<String, TaskSample> samples = new LinkedHashMap<>();
    for (Metric m : metrics) {
      if (!ended.contains(m.getId())) {
        samples.put(m.getId(), TaskSample.of(m));
      }
    }
    return samples;
  }

  /** Bytes received and sent so far on every interface Berth gave a container. */
  private record Traffic(long received, long sent) {
    static final Traffic NONE = new Traffic(0, 0);
  }

  /** Each container's traffic; none for one without interfaces of its own (network none or host, as docker shows). */
  private static Map<String, Traffic> traffic(AttachmentsGrpc.AttachmentsBlockingStub attachments, Set<String> ids) {
    Map<String, Traffic> traffic = new LinkedHashMap<>();
    for (String id : ids) {
      try {
        AttachmentStatsResponse stats = attachments.stats(AttachmentStatsRequest.newBuilder().setContainerId(id)
            .build());
        traffic.put(id, new Traffic(stats.getInterfacesList().stream().mapToLong(InterfaceStats::getRxBytes).sum(),
            stats.getInterfacesList().stream().mapToLong(InterfaceStats::getTxBytes).sum()));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        traffic.put(id, Traffic.NONE);
      }
    }
    return traffic;
  }

  /** Docker's column titles of the fields a template names. */
  private static final Map<String, String> HEADERS = Map.of("ID", "CONTAINER ID", "Container", "CONTAINER",
      "Name", "NAME", "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %", "NetIO", "NET I/O",
      "BlockIO", "BLOCK I/O", "PIDs", "PIDS");

  private void print(Map<String, String> names, Map<String, TaskSample> before, Map<String, TaskSample> now,
      Map<String, Traffic> traffic, long elapsedNanos) {
    long hostMemory = hostMemory();
    List<Map<String, Object>> json = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    // as Docker's: containers named or --all are shown when not running, with zeros
    Set<String> shown = all || !containers.isEmpty() ? names.keySet() : now.keySet();
    for (String id : shown) {
      boolean running = now.containsKey(id);
      TaskSample s = running ? now.get(id) : TaskSample.NOT_RUNNING;
      TaskSample previous = before.get(id);
      double cpu = previous == null ? 0 : s.cpuPercentSince(previous, elapsedNanos);
      long limit = running && hostMemory > 0 && (s.memoryLimit() <= 0 || s.memoryLimit() > hostMemory) ? hostMemory
          : s.memoryLimit();
      double memPercent = limit > 0 ? 100.0 * s.memory() / limit : 0;
      String name = names.getOrDefault(id, id);
      Traffic net = traffic.getOrDefault(id, Traffic.NONE);
      if (format.json() || format.templated()) {
        // docker's fields, all strings, as its --format json prints them and its templates see them
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ID", shownId(id));
        row.put("Container", containers.isEmpty() ? id.substring(0, Math.min(PsCommand.SHORT_ID, id.length()))
            : asked.getOrDefault(id, id));
        row.put("Name", name);
        row.put("CPUPerc", percent(cpu));
        row.put("MemUsage", Output.memory(s.memory()) + " / " + Output.memory(limit));
        row.put("MemPerc", percent(memPercent));
        row.put("NetIO", Output.size(net.received()) + " / " + Output.size(net.sent()));
        row.put("BlockIO", Output.size(s.blockRead()) + " / " + Output.size(s.blockWrite()));
        row.put("PIDs", Long.toString(s.pids()));
        json.add(row);
      } else {
        rows.add(List.of(shownId(id), name, percent(cpu),
            Output.memory(s.memory()) + " / " + Output.memory(limit), percent(memPercent),
            Output.size(net.received()) + " / " + Output.size(net.sent()),
            Output.size(s.blockRead()) + " / " + Output.size(s.blockWrite()), Long.toString(s.pids())));
      }
    }
    PrintWriter out = root.out();
    if (!noStream) {
      out.print(CLEAR_SCREEN);
    }
    if (format.json() || format.templated()) {
      format.printRows(out, TemplateContext.STATS, HEADERS, json);
    } else {
      Output.table(out, List.of("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O",
          "PIDS"), rows);
    }
    out.flush();
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%.2f%%", value);
  }

  /** The host's memory (MemTotal), which bounds a container without a limit of its own. */
  private static long hostMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown: the cgroup's limit is shown as it is
    }
    return 0;
  }

  /** Docker's ID column and field: cut to 12 characters unless {@code --no-trunc}. */
  private String shownId(String id) {
    return noTrunc ? id : id.substring(0, Math.min(PsCommand.SHORT_ID, id.length()));
  }
}
