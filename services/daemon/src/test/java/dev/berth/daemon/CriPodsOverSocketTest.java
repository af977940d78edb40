package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.network.v1.AttachmentsGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import dev.berth.api.labels.ContainerLabels;
import berth.network.v1.GetAttachmentRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.client.BerthClient;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Container;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerFilter;
import runtime.v1.ContainerEventResponse;
import runtime.v1.ContainerEventType;
import runtime.v1.ContainerMetadata;
import runtime.v1.ContainerState;
import runtime.v1.ContainerStateValue;
import runtime.v1.ContainerStatus;
import runtime.v1.ContainerStats;
import runtime.v1.ContainerStatsFilter;
import runtime.v1.ContainerStatsRequest;
import runtime.v1.ContainerStatusRequest;
import runtime.v1.ListContainerStatsRequest;
import runtime.v1.ListPodSandboxStatsRequest;
import runtime.v1.NetworkInterfaceUsage;
import runtime.v1.MemoryUsage;
import runtime.v1.NetworkUsage;
import runtime.v1.PodSandboxStats;
import runtime.v1.PodSandboxStatsFilter;
import runtime.v1.PodSandboxStatsRequest;
import runtime.v1.UpdateContainerResourcesRequest;
import runtime.v1.CreateContainerRequest;
import runtime.v1.DNSConfig;
import runtime.v1.ExecSyncRequest;
import runtime.v1.GetEventsRequest;
import runtime.v1.ImageSpec;
import runtime.v1.Int64Value;
import runtime.v1.KeyValue;
import runtime.v1.LinuxContainerConfig;
import runtime.v1.LinuxContainerResources;
import runtime.v1.LinuxContainerSecurityContext;
import runtime.v1.LinuxPodSandboxConfig;
import runtime.v1.LinuxSandboxSecurityContext;
import runtime.v1.ListContainersRequest;
import runtime.v1.ListPodSandboxRequest;
import runtime.v1.Mount;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;
import runtime.v1.PodSandbox;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxFilter;
import runtime.v1.PodSandboxMetadata;
import runtime.v1.PodSandboxState;
import runtime.v1.PodSandboxStatus;
import runtime.v1.PodSandboxStateValue;
import runtime.v1.PodSandboxStatusRequest;
import runtime.v1.PodSandboxStatusResponse;
import runtime.v1.PortMapping;
import runtime.v1.RemoveContainerRequest;
import runtime.v1.RemovePodSandboxRequest;
import runtime.v1.ReopenContainerLogRequest;
import runtime.v1.RunPodSandboxRequest;
import runtime.v1.RuntimeServiceGrpc;
import runtime.v1.StartContainerRequest;
import runtime.v1.StopContainerRequest;
import runtime.v1.StopPodSandboxRequest;

/**
 * Pods and containers through Kubernetes' CRI on berthd, driven as the kubelet drives them: a
 * client generated from the runtime.v1 protos on {@code STATE/cri.sock}, busybox containers in
 * real pods (netns, veth, nftables port mapping, pinned IPC/UTS namespaces, runc under conmon),
 * the host's network a namespace of the test's own.
 */
class CriPodsOverSocketTest {
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir static Path dir;
  private static final TestImage BUSYBOX = TestImages.busybox();
  private static final int HOST_PORT = 18091;
  /** A CRI log line: RFC 3339 time with nanoseconds, stream, F(ull) or P(artial), text. */
  private static final Pattern LOG_LINE = Pattern.compile(
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}(Z|[+-]\\d\\d:\\d\\d) (stdout|stderr) ([FP]) (.*)");
  private static final Pattern NS_LINK = Pattern.compile("/proc/self/ns/(ipc|uts|net) -> (\\w+:\\[\\d+\\])");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ManagedChannel channel;
  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub cri;

  @BeforeAll
  static void connect() throws Exception {
    assumeTrue(TestImages.busyboxAvailable(), "needs Debian's busybox-static");
    channel = Channels.unix(berthd.socket(ServiceGroups.CRI));
    cri = RuntimeServiceGrpc.newBlockingStub(channel);
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      k8s.images().importArchive(new ByteArrayInputStream(BUSYBOX.ociArchive()), ImportOptions.defaults());
    }
  }

  @AfterAll
  static void disconnect() {
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  private static PodSandboxConfig.Builder pod(String name) {
    return PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName(name)
        .setNamespace("default").setUid(UUID.randomUUID().toString()));
  }

  private static ContainerConfig.Builder busybox(String name, String script) {
    return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage("busybox")).addAllCommand(List.of("sh", "-c", script))
        .setLogPath(name + "/0.log");
  }

  private static String create(String pod, ContainerConfig.Builder config, PodSandboxConfig podConfig) {
    return cri.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setConfig(config)
        .setSandboxConfig(podConfig).build()).getContainerId();
  }

  private static ContainerStatus status(String id) {
    return cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
  }

  private static ContainerStatus awaitState(String id, ContainerState state) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    ContainerStatus s = status(id);
    while (s.getState() != state && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      s = status(id);
    }
    assertEquals(state, s.getState(), s.toString());
    return s;
  }

  /** The log's lines, each checked against the CRI format, as stream, tag and text. */
  private static List<String> logLines(Path log) throws Exception {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(line -> {
      Matcher m = LOG_LINE.matcher(line);
      assertTrue(m.matches(), "not a CRI log line: " + line);
      return m.group(2) + " " + m.group(3) + " " + m.group(4);
    }).toList();
  }

  /** The ipc, uts and net namespaces a container printed with {@code ls -l /proc/self/ns/...}. */
  private static Map<String, String> namespaces(List<String> lines) {
    Map<String, String> found = new java.util.TreeMap<>();
    for (String line : lines) {
      Matcher m = NS_LINK.matcher(line);
      if (m.find()) {
        found.put(m.group(1), m.group(2));
      }
    }
    return found;
  }

  private static boolean snapshotExists(SnapshotsGrpc.SnapshotsBlockingStub snapshots, StatSnapshotRequest stat) {
    try {
      snapshots.stat(stat);
      return true;
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
      return false;
    }
  }

  /** What StartContainer answers: OK, or its failure's code. */
  private static Status.Code startCode(String id) {
    try {
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static Status.Code code(Executable call) {
    return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
  }

  private static String curlPublishedPort() throws Exception {
    Processes.Result r = Processes.run(List.of("ip", "netns", "exec", berthd.hostNetns(), "curl", "-s", "-m", "2",
        "http://127.0.0.1:" + HOST_PORT + "/"), null, 10);
    return r.exit() == 0 ? new String(r.stdout(), StandardCharsets.UTF_8) : "curl exit " + r.exit();
  }

  private static List<String> hostLinks() throws Exception {
    Processes.Result r = Processes.run(List.of("ip", "netns", "exec", berthd.hostNetns(), "ip", "-o", "link"), null,
        10);
    return new String(r.stdout(), StandardCharsets.UTF_8).lines().filter(l -> l.contains("veth")).toList();
  }

  @Test
  void podOfTwoContainersSharesLocalhostPublishesItsPortLogsAndLeavesNothing() throws Exception {
    Path logs = dir.resolve("pod-logs");
    String cgroupParent = "/berth-cri-test-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> vethsBefore = hostLinks();
    PodSandboxConfig podConfig = pod("web").setHostname("cri-pod").setLogDirectory(logs.toString())
        .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("default.svc.cluster.local"))
        .addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(HOST_PORT))
        .putLabels("app", "web").putAnnotations("note", "two containers")
        .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent)).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build()).getPodSandboxId();
    BlockingQueue<ContainerEventResponse> events = new LinkedBlockingQueue<>();
    Context.CancellableContext following = Context.current().withCancellation();
    subscribe(following, events::add);
    try {
      PodSandboxStatusResponse podStatus = cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(pod).setVerbose(true).build());
      assertEquals(PodSandboxState.SANDBOX_READY, podStatus.getStatus().getState());
      assertEquals(podConfig.getMetadata(), podStatus.getStatus().getMetadata());
      assertEquals(Map.of("app", "web"), podStatus.getStatus().getLabelsMap());
      String ip = podStatus.getStatus().getNetwork().getIp();
      assertTrue(ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), podStatus.toString());
      // the contract other CRI code relies on: the pod's netns is its attachment's, named by its id
      try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
        String netns = AttachmentsGrpc.newBlockingStub(k8s.channel()).get(GetAttachmentRequest.newBuilder()
            .setContainerId(pod).build()).getAttachment().getNetnsPath();
        assertTrue(podStatus.getInfoOrThrow("info").contains("\"netNamespacePath\":\"" + netns + "\""),
            podStatus.getInfoMap().toString());
      }
      assertEquals(List.of(pod), cri.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter
          .newBuilder().putLabelSelector("app", "web").setState(PodSandboxStateValue.newBuilder()
              .setState(PodSandboxState.SANDBOX_READY))).build()).getItemsList().stream().map(PodSandbox::getId).toList());
      assertEquals(0, cri.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
          .putLabelSelector("app", "db")).build()).getItemsCount());

      Path shared = dir.resolve("shared");
      String web = create(pod, busybox("web", "ls -l /proc/self/ns/ipc /proc/self/ns/uts /proc/self/ns/net;"
          + " mkdir -p /www && echo hello-from-pod > /www/index.html && cp /www/index.html /shared/ && exec httpd -f -p 80 -h /www")
          .addMounts(Mount.newBuilder().setContainerPath("/shared").setHostPath(shared.toString()))
          .putLabels("role", "server").putAnnotations("why", "serves")
          .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
              .setMemoryLimitInBytes(64L << 20).setCpuShares(512).setOomScoreAdj(500))
              // a PID namespace of its own, where httpd is PID 1 (see the stop below)
              .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                  NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)))), podConfig);
      String client = create(pod, busybox("client", "ls -l /proc/self/ns/ipc /proc/self/ns/uts /proc/self/ns/net;"
          + " echo \"$GREETING\"; hostname; grep nameserver /etc/resolv.conf; echo oops >&2;"
          + " i=0; until wget -q -O - http://127.0.0.1/; do i=$((i+1)); [ $i -gt 100 ] && exit 3; sleep 0.1; done;"
          + " printf no-newline")
          .addEnvs(KeyValue.newBuilder().setKey("GREETING").setValue("hi from env")), podConfig);

      // a name in use is refused, naming its holder, as the kubelet's retry logic expects
      StatusRuntimeException taken = assertThrows(StatusRuntimeException.class,
          () -> create(pod, busybox("web", "true"), podConfig));
      assertEquals(Status.Code.ALREADY_EXISTS, taken.getStatus().getCode());
      // containerd's words, its name for the container: NAME_POD_NAMESPACE_UID_ATTEMPT
      String reserved = String.join("_", "web", podConfig.getMetadata().getName(),
          podConfig.getMetadata().getNamespace(), podConfig.getMetadata().getUid(), "0");
      assertEquals("failed to reserve container name \"" + reserved + "\": name \"" + reserved
          + "\" is reserved for \"" + web + "\"", taken.getStatus().getDescription());

      assertEquals(ContainerState.CONTAINER_CREATED, status(web).getState());
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(web).build());
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(client).build());
      // containerd's refusal, of no errdefs kind: UNKNOWN
      StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
          () -> cri.startContainer(StartContainerRequest.newBuilder().setContainerId(web).build()));
      assertEquals(List.of(Status.Code.UNKNOWN, "failed to set starting state for container \"" + web
          + "\": container is in CONTAINER_RUNNING state"),
          List.of(again.getStatus().getCode(), again.getStatus().getDescription()));

      ContainerStatus done = awaitState(client, ContainerState.CONTAINER_EXITED);
      assertEquals(0, done.getExitCode(), done.toString());
      assertEquals("Completed", done.getReason());
      assertTrue(done.getStartedAt() > 0 && done.getFinishedAt() >= done.getStartedAt()
          && done.getStartedAt() >= done.getCreatedAt(), done.toString());
      Path clientLog = logs.resolve("client/0.log");
      assertEquals(clientLog.toString(), done.getLogPath());
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(clientLog)),
          "containerd's 0640: a log shipper reads it through its group");
      List<String> clientLines = logLines(clientLog);
      // each stream keeps its order; between stdout and stderr (two pipes) the order is the monitor's
      assertEquals(List.of("stdout F hi from env", "stdout F cri-pod", "stdout F nameserver 10.96.0.10",
          "stdout F hello-from-pod", "stdout P no-newline"),
          clientLines.stream().filter(l -> l.startsWith("stdout ") && !l.contains("/proc/self/ns/")).toList());
      assertEquals(List.of("stderr F oops"), clientLines.stream().filter(l -> l.startsWith("stderr ")).toList());

      ContainerStatus serving = awaitState(web, ContainerState.CONTAINER_RUNNING);
      assertEquals("docker.io/library/busybox:latest", serving.getImage().getImage(),
          "as containerd: the image's first repo tag, which the kubelet shows as the container's image");
      try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
        // as containerd: the status has the image's repo digest (the kubelet's imageID), the list its id
        String manifest = k8s.images().resolve(BUSYBOX.name()).target().digest();
        assertEquals("docker.io/library/busybox@" + manifest, serving.getImageRef());
        assertEquals(List.of(BUSYBOX.configDigest()), cri.listContainers(ListContainersRequest.newBuilder()
            .setFilter(ContainerFilter.newBuilder().setId(web)).build()).getContainersList().stream()
            .map(Container::getImageRef).toList());
      }
      assertEquals(Map.of("role", "server"), serving.getLabelsMap());
      assertEquals(Map.of("why", "serves"), serving.getAnnotationsMap());
      assertEquals("/shared", serving.getMounts(0).getContainerPath());
      assertEquals("hello-from-pod\n", Files.readString(shared.resolve("index.html")), "the bind mount is shared");
      Map<String, String> webNs = namespaces(logLines(logs.resolve("web/0.log")));
      assertEquals(List.of("ipc", "net", "uts"), List.copyOf(webNs.keySet()), webNs.toString());
      assertEquals(webNs, namespaces(clientLines), "both containers are in the pod's network, IPC and UTS namespaces");
      assertEquals("hello-from-pod\n", curlPublishedPort(), "the sandbox's port mapping reaches the server");
      Path webCgroup = Path.of("/sys/fs/cgroup/memory" + cgroupParent, web);
      assertEquals(64L << 20, Long.parseLong(Files.readString(webCgroup.resolve("memory.limit_in_bytes")).strip()));
      Path webSwap = webCgroup.resolve("memory.memsw.limit_in_bytes");
      assertEquals(64L << 20, Long.parseLong(Files.readString(webSwap).strip()),
          "as containerd: memory plus swap is the memory limit, so the container does not swap");
      assertEquals(64L << 20, serving.getResources().getLinux().getMemorySwapLimitInBytes(),
          "the status tells the swap limit the container got, as containerd's");
      String webPid = Files.readAllLines(webCgroup.resolve("cgroup.procs")).get(0).strip();
      assertEquals("500", Files.readString(Path.of("/proc", webPid, "oom_score_adj")).strip(),
          "the kubelet's OOM score adjustment reaches the process");
      cri.updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(web)
          .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(96L << 20).setCpuQuota(50_000)
              .setCpuPeriod(100_000)).build());
      assertEquals(96L << 20, Long.parseLong(Files.readString(webCgroup.resolve("memory.limit_in_bytes")).strip()),
          "the running container's cgroup has the new limit");
      assertEquals(96L << 20, Long.parseLong(Files.readString(webSwap).strip()),
          "a new memory limit without a swap limit moves memory plus swap with it");
      assertEquals("50000", Files.readString(Path.of("/sys/fs/cgroup/cpu" + cgroupParent, web, "cpu.cfs_quota_us"))
          .strip());
      LinuxContainerResources kept = status(web).getResources().getLinux();
      assertEquals(List.of(96L << 20, 96L << 20, 50_000L, 512L), List.of(kept.getMemoryLimitInBytes(),
          kept.getMemorySwapLimitInBytes(), kept.getCpuQuota(), kept.getCpuShares()), kept.toString());
      // cgroup v2 files go to runc as containerd sends them: on a v1 host it refuses them, in its words
      UpdateContainerResourcesRequest v2Files = UpdateContainerResourcesRequest.newBuilder().setContainerId(web)
          .setLinux(LinuxContainerResources.newBuilder().putUnified("memory.high", "50000000")).build();
      if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
        cri.updateContainerResources(v2Files);
        assertEquals(Map.of("memory.high", "50000000"), status(web).getResources().getLinux().getUnifiedMap());
      } else {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
            () -> cri.updateContainerResources(v2Files));
        assertEquals(Status.Code.UNKNOWN, refused.getStatus().getCode());
        String why = String.valueOf(refused.getStatus().getDescription());
        assertTrue(why.startsWith("failed to update resources: failed to update resources: ")
            && why.contains("invalid configuration: cannot use unified on cgroup v1"), why);
        assertEquals(Map.of(), status(web).getResources().getLinux().getUnifiedMap(), "the refused files are not kept");
      }

      ContainerStats webStats = cri.containerStats(ContainerStatsRequest.newBuilder().setContainerId(web).build())
          .getStats();
      assertEquals(web, webStats.getAttributes().getId());
      assertTrue(webStats.getCpu().getUsageCoreNanoSeconds().getValue() > 0, webStats.toString());
      assertTrue(webStats.getMemory().getWorkingSetBytes().getValue() > 0, webStats.toString());
      assertTrue(webStats.getMemory().getAvailableBytes().getValue() < 96L << 20, webStats.toString());
      assertTrue(webStats.getWritableLayer().getUsedBytes().getValue() > 0, "httpd's page is in its writable layer");
      assertEquals(2, cri.listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(ContainerStatsFilter
          .newBuilder().setPodSandboxId(pod)).build()).getStatsCount());
      PodSandboxStats podStats = cri.podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(pod)
          .build()).getStats();
      assertEquals(2, podStats.getLinux().getContainersCount());
      assertTrue(podStats.getLinux().getProcess().getProcessCount().getValue() > 0,
          "the running container's processes count, as containerd counts the pod's cgroup's: " + podStats);
      assertTrue(podStats.getLinux().getMemory().getWorkingSetBytes().getValue()
          >= webStats.getMemory().getWorkingSetBytes().getValue() / 2, podStats.toString());
      // the pod's memory is its cgroup's, as containerd reads it: under the limit the kubelet sets
      // there, available bytes are the limit less the pod's working set
      boolean unified = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
      Path podMemory = Path.of(unified ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory", cgroupParent);
      Files.writeString(podMemory.resolve(unified ? "memory.max" : "memory.limit_in_bytes"), Long.toString(256L << 20));
      MemoryUsage limited = cri.podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(pod).build())
          .getStats().getLinux().getMemory();
      assertEquals((256L << 20) - limited.getWorkingSetBytes().getValue(), limited.getAvailableBytes().getValue(),
          limited.toString());
      // the page fetched through the published port crossed the pod's eth0 both ways
      NetworkUsage network = podStats.getLinux().getNetwork();
      assertEquals("eth0", network.getDefaultInterface().getName(), podStats.toString());
      assertTrue(network.getDefaultInterface().getRxBytes().getValue() > 0
          && network.getDefaultInterface().getTxBytes().getValue() > "hello-from-pod\n".length(), network.toString());
      assertEquals(List.of(network.getDefaultInterface()), network.getInterfacesList());
      assertTrue(network.getTimestamp() > 0, network.toString());
      NetworkInterfaceUsage listed = cri.listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder()
          .setFilter(PodSandboxStatsFilter.newBuilder().setId(pod)).build()).getStats(0).getLinux().getNetwork()
          .getDefaultInterface();
      assertTrue(listed.getRxBytes().getValue() >= network.getDefaultInterface().getRxBytes().getValue()
          && listed.getTxBytes().getValue() >= network.getDefaultInterface().getTxBytes().getValue(),
          "counters only grow: " + listed);

      assertEquals(List.of(web), cri.listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter
          .newBuilder().setPodSandboxId(pod).setState(ContainerStateValue.newBuilder()
              .setState(ContainerState.CONTAINER_RUNNING))).build()).getContainersList().stream()
          .map(runtime.v1.Container::getId).toList());
      assertEquals(List.of(client), cri.listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter
          .newBuilder().setId(client.substring(0, 12))).build()).getContainersList().stream()
          .map(runtime.v1.Container::getId).toList());
      assertEquals(List.of(web), cri.listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter
          .newBuilder().putLabelSelector("role", "server")).build()).getContainersList().stream()
          .map(runtime.v1.Container::getId).toList());

      // the kubelet's rotation: the renamed log's successor has the same mode
      Path webLog = logs.resolve("web/0.log");
      Files.move(webLog, logs.resolve("web/0.log.20261205-101500"));
      cri.reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(web).build());
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(webLog)));

      // httpd, the container's pid 1, has no SIGTERM handler, so the kernel would drop the polite
      // signal: SIGKILL comes at once rather than after the 30 s
      Instant stopping = Instant.now();
      cri.stopContainer(StopContainerRequest.newBuilder().setContainerId(web).setTimeout(30).build());
      assertTrue(Duration.between(stopping, Instant.now()).toSeconds() < 15);
      assertEquals(137, status(web).getExitCode());
      assertEquals("Error", status(web).getReason());
      // as containerd: no metrics for a container without its process, but it stays in the list
      StatusRuntimeException noMetrics = assertThrows(StatusRuntimeException.class,
          () -> cri.containerStats(ContainerStatsRequest.newBuilder().setContainerId(web).build()));
      assertEquals(Status.Code.UNKNOWN, noMetrics.getStatus().getCode());
      assertEquals("unexpected metrics response: []", noMetrics.getStatus().getDescription());
      // its task is gone, its exit kept on its record: exec names the state the CRI shows
      StatusRuntimeException exited = assertThrows(StatusRuntimeException.class, () -> cri.execSync(
          ExecSyncRequest.newBuilder().setContainerId(web).addCmd("true").build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, exited.getStatus().getCode());
      assertEquals("container " + web + " is not running (exited)", exited.getStatus().getDescription());
      try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
        // a stopped container's exit is kept on its record and its task deleted before the answer
        assertEquals(Status.Code.NOT_FOUND, code(() -> TasksGrpc.newBlockingStub(k8s.channel())
            .get(GetRequest.newBuilder().setContainerId(web).build())));
        String snapshot = k8s.containers().find(client).orElseThrow().getSnapshotKey();
        cri.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(client).build());
        assertEquals(Status.Code.NOT_FOUND, code(() -> status(client)));
        // the snapshot is left to the garbage collector, which the record's deletion wakes
        SnapshotsGrpc.SnapshotsBlockingStub snapshots = SnapshotsGrpc.newBlockingStub(k8s.channel());
        StatSnapshotRequest stat = StatSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey(snapshot)
            .build();
        Instant collected = Instant.now().plusSeconds(20);
        while (snapshotExists(snapshots, stat) && Instant.now().isBefore(collected)) {
          Thread.sleep(100);
        }
        assertFalse(snapshotExists(snapshots, stat), "the removed container's snapshot is collected");
      }
      List<ContainerEventType> clientEvents = new java.util.ArrayList<>();
      Instant deadline = Instant.now().plusSeconds(10);
      while (clientEvents.size() < 4 && Instant.now().isBefore(deadline)) {
        ContainerEventResponse e = events.poll(100, TimeUnit.MILLISECONDS);
        if (e != null && e.getContainerId().equals(client)) {
          clientEvents.add(e.getContainerEventType());
          if (e.getContainerEventType() == ContainerEventType.CONTAINER_STARTED_EVENT) {
            assertEquals(pod, e.getPodSandboxStatus().getId(), e.toString());
            // as containerd's: every container of the pod, not only the one the event is of
            assertEquals(java.util.Set.of(web, client), e.getContainersStatusesList().stream()
                .map(ContainerStatus::getId).collect(java.util.stream.Collectors.toSet()));
          }
          if (e.getContainerEventType() == ContainerEventType.CONTAINER_DELETED_EVENT) {
            assertEquals(pod, e.getPodSandboxStatus().getId(), "the pod is still there: " + e);
            assertEquals(List.of(web), e.getContainersStatusesList().stream().map(ContainerStatus::getId).toList(),
                "the containers left in the pod");
          }
        }
      }
      assertEquals(List.of(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT,
          ContainerEventType.CONTAINER_STOPPED_EVENT, ContainerEventType.CONTAINER_DELETED_EVENT), clientEvents);

      cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      PodSandboxStatus stopped = cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod)
          .build()).getStatus();
      assertEquals(PodSandboxState.SANDBOX_NOTREADY, stopped.getState());
      assertTrue(stopped.hasNetwork() && stopped.getNetwork().getIp().isEmpty(),
          "as containerd: a stopped pod's status has a network without an address " + stopped);
      assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> create(pod, busybox("late", "true"), podConfig)));
      assertFalse(curlPublishedPort().startsWith("hello"), "the port is unpublished with the stopped pod");
      // as containerd: a stopped pod has no stats, and the list leaves it out
      StatusRuntimeException notReady = assertThrows(StatusRuntimeException.class,
          () -> cri.podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(pod).build()));
      assertEquals(Status.Code.UNAVAILABLE, notReady.getStatus().getCode());
      assertEquals("failed to decode pod sandbox metrics " + pod + ": failed to get pod sandbox stats since sandbox "
          + "container \"" + pod + "\" is not in ready state: unavailable", notReady.getStatus().getDescription());
      assertEquals(0, cri.listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder()
          .setFilter(PodSandboxStatsFilter.newBuilder().setId(pod)).build()).getStatsCount());
      cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    } finally {
      following.cancel(null);
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      removeCgroupParent(cgroupParent);
    }

    assertEquals(0, cri.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
    assertEquals(0, cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      assertEquals(Status.Code.NOT_FOUND, code(() -> AttachmentsGrpc.newBlockingStub(k8s.channel())
          .get(GetAttachmentRequest.newBuilder().setContainerId(pod).build())));
    }
    String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
    assertFalse(mounts.contains(pod), "no pinned namespace or rootfs is left mounted");
    assertEquals(vethsBefore, hostLinks(), "no veth is left");
    assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory" + cgroupParent)));
  }

  /** The pod's cgroup parent is the kubelet's to remove, as with containerd; runc made it here. */
  private static void removeCgroupParent(String parent) throws Exception {
    try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path c : controllers.toList()) {
        Path dir = Path.of(c + parent);
        if (Files.isDirectory(dir) && !Files.isSymbolicLink(c)) {
          try (Stream<Path> children = Files.list(dir)) {
            assertTrue(children.noneMatch(Files::isDirectory), "a container's cgroup is left in " + dir);
          }
          Files.delete(dir);
        }
      }
    }
  }

  @Test
  void badInputGetsClearStatusesAndLeavesNothing() throws Exception {
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> cri.runPodSandbox(RunPodSandboxRequest.newBuilder()
        .setConfig(PodSandboxConfig.getDefaultInstance()).build())));
    StatusRuntimeException systemd = assertThrows(StatusRuntimeException.class, () -> cri.runPodSandbox(
        RunPodSandboxRequest.newBuilder().setConfig(pod("slice").setLinux(LinuxPodSandboxConfig.newBuilder()
            .setCgroupParent("kubepods-besteffort.slice"))).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, systemd.getStatus().getCode());
    assertTrue(systemd.getStatus().getDescription().contains("cgroupfs"), systemd.getStatus().toString());
    assertEquals(0, cri.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());

    String unknown = "0".repeat(64);
    assertEquals(Status.Code.NOT_FOUND, code(() -> cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
        .setPodSandboxId(unknown).build())));
    assertEquals(Status.Code.NOT_FOUND, code(() -> cri.stopPodSandbox(StopPodSandboxRequest.newBuilder()
        .setPodSandboxId(unknown).build())));
    assertEquals(Status.Code.NOT_FOUND, code(() -> create(unknown, busybox("c", "true"), pod("x").build())));
    assertEquals(Status.Code.NOT_FOUND, code(() -> cri.startContainer(StartContainerRequest.newBuilder()
        .setContainerId(unknown).build())));
    assertEquals(Status.Code.NOT_FOUND, code(() -> status(unknown)));
    // containerd 1.6.20's words, as crictl inspect and inspectp print them
    assertEquals("an error occurred when try to find container \"" + unknown + "\": not found",
        assertThrows(StatusRuntimeException.class, () -> status(unknown)).getStatus().getDescription());
    assertEquals("an error occurred when try to find sandbox \"" + unknown + "\": not found",
        assertThrows(StatusRuntimeException.class, () -> cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
            .setPodSandboxId(unknown).build())).getStatus().getDescription());
    // removing what is gone succeeds, as the kubelet retries removals
    cri.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(unknown).build());
    cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(unknown).build());

    PodSandboxConfig config = pod("dup").build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      StatusRuntimeException dup = assertThrows(StatusRuntimeException.class,
          () -> cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()));
      assertEquals(Status.Code.ALREADY_EXISTS, dup.getStatus().getCode());
      // containerd's words, its name for the pod: NAME_NAMESPACE_UID_ATTEMPT
      String reserved = String.join("_", config.getMetadata().getName(), config.getMetadata().getNamespace(),
          config.getMetadata().getUid(), Integer.toString(config.getMetadata().getAttempt()));
      assertEquals("failed to reserve sandbox name \"" + reserved + "\": name \"" + reserved + "\" is reserved for \""
          + pod + "\"", dup.getStatus().getDescription());
      assertEquals(Status.Code.NOT_FOUND, code(() -> create(pod, busybox("c", "true")
          .setImage(ImageSpec.newBuilder().setImage("docker.io/library/absent:1")), config)));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(pod, busybox("c", "true")
          .setWorkingDir("relative"), config)));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(pod, busybox("", "true"), config)));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(pod, busybox("c", "true").setLinux(
          LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
              .setRunAsGroup(Int64Value.newBuilder().setValue(1)))), config)), "a group without a user");
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(pod, busybox("c", "true").setLinux(
          LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
              .setSeccompProfilePath("my-profile"))), config)), "a seccomp profile path without localhost/");
      assertEquals(0, cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());

      // a process that cannot start: the container ends as containerd's does, not left created
      String missing = create(pod, busybox("missing", "true").clearCommand().addCommand("/absent"), config);
      StatusRuntimeException failed = assertThrows(StatusRuntimeException.class,
          () -> cri.startContainer(StartContainerRequest.newBuilder().setContainerId(missing).build()));
      assertEquals(Status.Code.UNKNOWN, failed.getStatus().getCode());
      ContainerStatus ended = status(missing);
      assertEquals(List.of(ContainerState.CONTAINER_EXITED, 128, "StartError"),
          List.of(ended.getState(), ended.getExitCode(), ended.getReason()), ended.toString());
      assertEquals(failed.getStatus().getDescription(), ended.getMessage());
      assertTrue(ended.getMessage().contains("/absent") && ended.getFinishedAt() >= ended.getCreatedAt(),
          ended.toString());
      // containerd 1.6.20's words, which kubectl describe shows and users search for
      assertTrue(ended.getMessage().startsWith("failed to create containerd task: failed to create shim task: "
          + "OCI runtime create failed: runc create failed: unable to start container process: exec: \"/absent\"")
          && ended.getMessage().endsWith(": unknown"), ended.getMessage());
      StatusRuntimeException ran = assertThrows(StatusRuntimeException.class,
          () -> cri.startContainer(StartContainerRequest.newBuilder().setContainerId(missing).build()));
      assertEquals(List.of(Status.Code.UNKNOWN, "failed to set starting state for container \"" + missing
          + "\": container is in CONTAINER_EXITED state"),
          List.of(ran.getStatus().getCode(), ran.getStatus().getDescription()));
      assertEquals(failed.getStatus().getDescription(), status(missing).getMessage(),
          "a start refused for the container's state leaves its state as it was");
      cri.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(missing).build());

      // two starts at once: one starts it, the other is refused, and the container is not marked
      String twice = create(pod, busybox("twice", "sleep 1000"), config);
      ExecutorService two = Executors.newFixedThreadPool(2);
      try {
        List<Future<Status.Code>> starts = two.invokeAll(List.of(() -> startCode(twice), () -> startCode(twice)));
        List<Status.Code> codes = new ArrayList<>();
        for (Future<Status.Code> start : starts) {
          codes.add(start.get());
        }
        assertEquals(1, Collections.frequency(codes, Status.Code.OK), codes::toString);
        assertEquals(1, Collections.frequency(codes, Status.Code.UNKNOWN), codes::toString);
      } finally {
        two.shutdownNow();
      }
      ContainerStatus running = status(twice);
      assertEquals(List.of(ContainerState.CONTAINER_RUNNING, ""), List.of(running.getState(), running.getMessage()),
          running.toString());
      assertTrue(running.getStartedAt() > 0, running.toString());
      cri.stopContainer(StopContainerRequest.newBuilder().setContainerId(twice).setTimeout(0).build());
      assertNotEquals("StartError", status(twice).getReason());
      cri.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(twice).build());

      // one runc refuses (a mount inside /proc): ended too, or the kubelet, which backs off only
      // from exited containers, would make a new one at every sync
      String refused = create(pod, busybox("refused", "true").addMounts(Mount.newBuilder()
          .setContainerPath("/proc/berth").setHostPath(dir.toString())), config);
      StatusRuntimeException runc = assertThrows(StatusRuntimeException.class,
          () -> cri.startContainer(StartContainerRequest.newBuilder().setContainerId(refused).build()));
      assertEquals(Status.Code.UNKNOWN, runc.getStatus().getCode());
      ContainerStatus refusedStatus = status(refused);
      assertEquals(List.of(ContainerState.CONTAINER_EXITED, 128, "StartError"),
          List.of(refusedStatus.getState(), refusedStatus.getExitCode(), refusedStatus.getReason()),
          refusedStatus.toString());
      assertEquals(runc.getStatus().getDescription(), refusedStatus.getMessage());
      assertTrue(refusedStatus.getMessage().contains("/proc/berth"), refusedStatus.getMessage());
      try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
        assertEquals(Status.Code.NOT_FOUND, code(() -> TasksGrpc.newBlockingStub(k8s.channel())
            .get(GetRequest.newBuilder().setContainerId(refused).build())), "no task is left of it");
      }
      cri.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(refused).build());
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
    assertEquals(0, cri.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
  }

  @Test
  void podPidNamespaceIsSharedAndNodeNamespacesAreTheHosts() throws Exception {
    Path logs = dir.resolve("pid-logs");
    // namespace options left out: the CRI's defaults, a shared (POD) PID namespace
    PodSandboxConfig shared = pod("pids").setLogDirectory(logs.toString()).build();
    String pidNamespace = "(not seen)";
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(shared).build()).getPodSandboxId();
    try {
      String sleeper = create(pod, busybox("sleeper", "exec sleep 1000").setLinux(LinuxContainerConfig.newBuilder()
          .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setRunAsUsername("nobody"))), shared);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(sleeper).build());
      awaitState(sleeper, ContainerState.CONTAINER_RUNNING);
      // an orphan is reparented to the namespace's init, which must reap it
      String looker = create(pod, busybox("looker", "echo $(tr '\\0' ' ' < /proc/1/cmdline); readlink /proc/self/ns/pid;"
          + " (sleep 0.1 &); sleep 0.6; echo zombies: $(grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l);"
          + " ps -o user,args; id -G").setLinux(LinuxContainerConfig
          .newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder().addSupplementalGroups(1234))),
          shared);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(looker).build());
      assertEquals(0, awaitState(looker, ContainerState.CONTAINER_EXITED).getExitCode());
      List<String> seen = logLines(logs.resolve("looker/0.log"));
      assertTrue(seen.stream().anyMatch(l -> l.matches("stdout F nobody +sleep 1000")),
          "the later container sees the first one's process, run as the named user: " + seen);
      assertEquals("stdout F 0 1234", seen.get(seen.size() - 1), "root with the supplemental group");
      assertEquals("stdout F berth-pod", seen.get(0), "the pod's holder is PID 1: " + seen);
      assertTrue(seen.contains("stdout F zombies: 0"), "the holder reaps orphans: " + seen);
      pidNamespace = seen.get(1).substring("stdout F ".length());
      assertTrue(processesIn(pidNamespace).size() >= 2, "the holder and the sleeper on the host");

      // a holder killed from outside takes the namespace with it: the pod takes no new containers
      for (long pid : processesIn(pidNamespace)) {
        if (command(pid).equals("berth-pod")) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      awaitState(sleeper, ContainerState.CONTAINER_EXITED);
      assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> create(pod, busybox("late", "true"), shared)));
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
    assertEquals(List.of(), processesIn(pidNamespace), "nothing in the pod's PID namespace outlives the pod");

    PodSandboxConfig node = pod("node").setLogDirectory(logs.toString()).setLinux(LinuxPodSandboxConfig.newBuilder()
        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
            .setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.NODE)))).build();
    String nodePod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(node).build()).getPodSandboxId();
    String podOwnPid = "(not seen)";
    try {
      PodSandboxStatus onNode = cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(nodePod)
          .build()).getStatus();
      assertTrue(onNode.hasNetwork() && onNode.getNetwork().getIp().isEmpty(),
          "a pod on the node's network has the node's address, which the kubelet knows " + onNode);
      assertFalse(cri.podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(nodePod).build())
          .getStats().getLinux().hasNetwork(), "the node's traffic is not the pod's, as with containerd");
      String c = create(nodePod, busybox("netns", "ls -l /proc/self/ns/ipc /proc/self/ns/uts /proc/self/ns/net"),
          node);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      awaitState(c, ContainerState.CONTAINER_EXITED);
      Map<String, String> ns = namespaces(logLines(logs.resolve("netns/0.log")));
      assertEquals("net:[" + Files.getAttribute(Path.of("/run/netns", berthd.hostNetns()), "unix:ino") + "]",
          ns.get("net"), "berthd's host network namespace");
      assertEquals("ipc:[" + Files.getAttribute(Path.of("/proc/self/ns/ipc"), "unix:ino") + "]", ns.get("ipc"));
      assertEquals("uts:[" + Files.getAttribute(Path.of("/proc/self/ns/uts"), "unix:ino") + "]", ns.get("uts"));

      // pid: CONTAINER is the pod's own: containers without namespace options ask for the pod's
      // (POD, the CRI's default), as containerd's join its pause container's, and share it
      String own = create(nodePod, busybox("own", "readlink /proc/self/ns/pid; echo $(tr '\\0' ' ' < /proc/1/cmdline)")
          .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
              .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)))), node);
      String sleeper = create(nodePod, busybox("pod-sleeper", "exec sleep 1000"), node);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(sleeper).build());
      awaitState(sleeper, ContainerState.CONTAINER_RUNNING);
      String looker = create(nodePod, busybox("pod-looker", "readlink /proc/self/ns/pid;"
          + " echo $(tr '\\0' ' ' < /proc/1/cmdline); ps -o args"), node);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(looker).build());
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(own).build());
      assertEquals(0, awaitState(looker, ContainerState.CONTAINER_EXITED).getExitCode());
      assertEquals(0, awaitState(own, ContainerState.CONTAINER_EXITED).getExitCode());
      List<String> seen = logLines(logs.resolve("pod-looker/0.log"));
      podOwnPid = seen.get(0).substring("stdout F ".length());
      assertEquals("stdout F berth-pod", seen.get(1), "the pod's holder is PID 1: " + seen);
      assertTrue(seen.contains("stdout F sleep 1000"), "the other container's process is in sight: " + seen);
      assertNotEquals("pid:[" + Files.getAttribute(Path.of("/proc/self/ns/pid"), "unix:ino") + "]", podOwnPid,
          "not the node's");
      List<String> alone = logLines(logs.resolve("own/0.log"));
      assertNotEquals(podOwnPid, alone.get(0).substring("stdout F ".length()), "CONTAINER is the container's own");
      assertTrue(alone.get(1).startsWith("stdout F sh -c readlink"), "its own command is its PID 1: " + alone);
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(nodePod).build());
    }
    assertEquals(List.of(), processesIn(podOwnPid), "the holder made on demand goes with the pod");
  }

  @Test
  void aPidNamespaceIsJoinedOnlyIfItsTargetStillRunsAndAPodWhoseHolderIsGoneStartsNothing() throws Exception {
    Path logs = dir.resolve("join-logs");
    PodSandboxConfig config = pod("joins").setLogDirectory(logs.toString()).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      // a target in a PID namespace of its own, so that its process is PID 1 of those joining it
      String target = create(pod, busybox("target", "exec sleep 1000").setLinux(LinuxContainerConfig.newBuilder()
          .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption
              .newBuilder().setPid(NamespaceMode.CONTAINER)))), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(target).build());
      awaitState(target, ContainerState.CONTAINER_RUNNING);
      String joins = create(pod, targeting(busybox("joins", "echo $(tr '\\0' ' ' < /proc/1/cmdline)"), target),
          config);
      String late = create(pod, targeting(busybox("late", "echo ran"), target), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(joins).build());
      assertEquals(0, awaitState(joins, ContainerState.CONTAINER_EXITED).getExitCode());
      assertEquals(List.of("stdout F sleep 1000"), logLines(logs.resolve("joins/0.log")),
          "the target's process is PID 1 of the container joining it");

      // the target ended between CreateContainer and StartContainer: refused, whatever took its PID
      cri.stopContainer(StopContainerRequest.newBuilder().setContainerId(target).setTimeout(0).build());
      assertRefusedAndNeverRan(late, "failed to create containerd task: failed to join PID namespace: container "
          + target + " is not running", logs.resolve("late/0.log"), k8s);

      // the pod's holder killed from outside after CreateContainer: refused too
      String orphan = create(pod, busybox("orphan", "echo ran"), config);
      long holder = JSON.readTree(cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod)
          .setVerbose(true).build()).getInfoOrThrow("info")).path("pid").asLong();
      assertEquals("berth-pod", command(holder));
      ProcessHandle.of(holder).ifPresent(ProcessHandle::destroyForcibly);
      for (Instant end = Instant.now().plusSeconds(10); Files.exists(Path.of("/proc", Long.toString(holder)))
          && Instant.now().isBefore(end); ) {
        Thread.sleep(10);
      }
      // the pod's "sandbox container" has ended: containerd's words and code, before the log is made
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> cri.startContainer(StartContainerRequest.newBuilder().setContainerId(orphan).build()));
      assertEquals(List.of(Status.Code.UNKNOWN, "sandbox container \"" + pod + "\" is not running"),
          List.of(e.getStatus().getCode(), e.getStatus().getDescription()), e.toString());
      ContainerStatus refused = status(orphan);
      assertEquals(List.of(ContainerState.CONTAINER_EXITED, 128, "StartError", e.getStatus().getDescription()),
          List.of(refused.getState(), refused.getExitCode(), refused.getReason(), refused.getMessage()),
          refused.toString());
      assertEquals(Status.Code.NOT_FOUND, code(() -> TasksGrpc.newBlockingStub(k8s.channel())
          .get(GetRequest.newBuilder().setContainerId(orphan).build())), "no task is left of it");
      assertFalse(Files.exists(logs.resolve("orphan/0.log")), "containerd checks the pod before it opens the log");

      // containerd's sandbox is NOTREADY once its pause container has ended, so the kubelet makes
      // the pod again: in its status, its listing and the listing's state filter
      assertEquals(PodSandboxState.SANDBOX_NOTREADY, cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(pod).build()).getStatus().getState());
      assertEquals(List.of(PodSandboxState.SANDBOX_NOTREADY), podStates(PodSandboxFilter.newBuilder().setId(pod)));
      assertEquals(List.of(), podStates(PodSandboxFilter.newBuilder().setId(pod).setState(
          PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))));
      assertEquals(List.of(PodSandboxState.SANDBOX_NOTREADY), podStates(PodSandboxFilter.newBuilder().setId(pod)
          .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_NOTREADY))));
      // and the kubelet's StopPodSandbox of it works, leaving it NOTREADY
      cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      assertEquals(List.of(PodSandboxState.SANDBOX_NOTREADY), podStates(PodSandboxFilter.newBuilder().setId(pod)));
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  @Test
  void aPodWhoseHolderEndsIsToldStoppedOnceByGetContainerEventsAsContainerdsSandboxExit() throws Exception {
    PodSandboxConfig config = pod("holder-ends").build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    BlockingQueue<ContainerEventResponse> events = new LinkedBlockingQueue<>();
    Context.CancellableContext following = Context.current().withCancellation();
    subscribe(following, e -> {
      if (e.getContainerId().equals(pod)) {
        events.add(e);
      }
    });
    try {
      String sleeper = create(pod, busybox("sleeper", "exec sleep 1000"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(sleeper).build());
      awaitState(sleeper, ContainerState.CONTAINER_RUNNING);
      long holder = JSON.readTree(cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod)
          .setVerbose(true).build()).getInfoOrThrow("info")).path("pid").asLong();
      assertEquals("berth-pod", command(holder));
      assertEquals(null, events.poll(), "nothing told of the pod while its holder runs");

      // killed from outside, as containerd's pause container may be: its end is told at once,
      // not at the kubelet's next ListPodSandbox
      ProcessHandle.of(holder).ifPresent(ProcessHandle::destroyForcibly);
      ContainerEventResponse stopped = events.poll(20, TimeUnit.SECONDS);
      assertTrue(stopped != null, "no event for the pod whose holder ended");
      assertEquals(ContainerEventType.CONTAINER_STOPPED_EVENT, stopped.getContainerEventType());
      assertEquals(PodSandboxState.SANDBOX_NOTREADY, stopped.getPodSandboxStatus().getState(), stopped.toString());
      assertEquals(pod, stopped.getPodSandboxStatus().getId());
      assertEquals(List.of(sleeper), stopped.getContainersStatusesList().stream().map(ContainerStatus::getId).toList(),
          "the pod's containers' statuses, as containerd sends them");
      // the kubelet's StopPodSandbox then finds no holder to end: nothing more is told of the pod
      cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      assertEquals(null, events.poll(2, TimeUnit.SECONDS), "told once");
    } finally {
      following.cancel(null);
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  /**
   * Hands every GetContainerEvents event to {@code sink} until {@code following} is cancelled: the
   * stream ends only then, so its end and errors need no handling.
   */
  private static void subscribe(Context.CancellableContext following, Consumer<ContainerEventResponse> sink) {
    following.run(() -> RuntimeServiceGrpc.newStub(channel).getContainerEvents(GetEventsRequest.getDefaultInstance(),
        new StreamObserver<>() {
          @Override
          public void onNext(ContainerEventResponse e) {
            sink.accept(e);
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        }));
  }

  /**
   * Follows GetContainerEvents into {@code events} until {@code following} is cancelled; returns
   * once the stream is known to deliver (a pod run and removed for it was told), those events left out.
   */
  private static void followEvents(Context.CancellableContext following, BlockingQueue<ContainerEventResponse> events)
      throws Exception {
    subscribe(following, events::add);
    for (int attempt = 0; attempt < 50; attempt++) {
      String marker = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod("marker")
          .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
              .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.NODE)
                  .setIpc(NamespaceMode.NODE).setNetwork(NamespaceMode.NODE))))).build()).getPodSandboxId();
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(marker).build());
      Instant deadline = Instant.now().plusMillis(500);
      boolean told = false;
      while (!told && Instant.now().isBefore(deadline)) {
        ContainerEventResponse e = events.poll(50, TimeUnit.MILLISECONDS);
        told = e != null && e.getContainerId().equals(marker)
            && e.getContainerEventType() == ContainerEventType.CONTAINER_DELETED_EVENT;
      }
      if (told) {
        events.clear();
        return;
      }
    }
    throw new AssertionError("GetContainerEvents told nothing");
  }

  /** The next events of {@code id} within 10 s (at most {@code count}), then any more within 2 s. */
  private static List<ContainerEventResponse> eventsOf(String id, BlockingQueue<ContainerEventResponse> events,
      int count) throws InterruptedException {
    List<ContainerEventResponse> of = new ArrayList<>();
    Instant deadline = Instant.now().plusSeconds(10);
    while (of.size() < count && Instant.now().isBefore(deadline)) {
      ContainerEventResponse e = events.poll(50, TimeUnit.MILLISECONDS);
      if (e != null && e.getContainerId().equals(id)) {
        of.add(e);
      }
    }
    Instant more = Instant.now().plusSeconds(2);
    while (Instant.now().isBefore(more)) {
      ContainerEventResponse e = events.poll(50, TimeUnit.MILLISECONDS);
      if (e != null && e.getContainerId().equals(id)) {
        of.add(e);
      }
    }
    return of;
  }

  private static List<ContainerEventType> types(List<ContainerEventResponse> events) {
    return events.stream().map(ContainerEventResponse::getContainerEventType).toList();
  }

  /**
   * containerd 1.7's RemovePodSandbox removes the pod's containers before the pod, and a
   * subscriber hears of their DELETED before the pod's, the pod's containers running or stopped.
   */
  @Test
  void aRemovedPodsContainersAreToldDeletedBeforeThePod() throws Exception {
    BlockingQueue<ContainerEventResponse> events = new LinkedBlockingQueue<>();
    Context.CancellableContext following = Context.current().withCancellation();
    List<String> pods = new ArrayList<>();
    try {
      followEvents(following, events);
      for (boolean stopFirst : List.of(false, true, false, true)) {
        PodSandboxConfig config = pod("deleted-in-order").setLogDirectory(dir.resolve("order-logs").toString()).build();
        String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
        pods.add(pod);
        Set<String> containers = new HashSet<>();
        for (String name : List.of("first", "second")) {
          String c = create(pod, busybox(name, "exec sleep 1000"), config);
          cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
          awaitState(c, ContainerState.CONTAINER_RUNNING);
          containers.add(c);
        }
        if (stopFirst) {
          cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        }
        cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        List<String> deleted = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(10);
        while (!deleted.contains(pod) && Instant.now().isBefore(deadline)) {
          ContainerEventResponse e = events.poll(50, TimeUnit.MILLISECONDS);
          if (e != null && e.getContainerEventType() == ContainerEventType.CONTAINER_DELETED_EVENT) {
            deleted.add(e.getContainerId());
          }
        }
        assertEquals(pod, deleted.isEmpty() ? null : deleted.get(deleted.size() - 1), "stopped first: " + stopFirst);
        assertEquals(containers, new HashSet<>(deleted.subList(0, deleted.size() - 1)),
            "the containers' DELETED before the pod's, stopped first: " + stopFirst);
      }
    } finally {
      following.cancel(null);
      for (String pod : pods) {
        cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      }
    }
  }

  /**
   * containerd 1.7's sandbox container events: CREATED and STARTED from RunPodSandbox, STOPPED
   * once from StopPodSandbox (its kill of the pause container) whether or not the pod has a PID
   * namespace holder, none for a second stop, DELETED from RemovePodSandbox without status; a
   * RemovePodSandbox of a ready pod tells its stop first.
   */
  @Test
  void aPodsRunStopAndRemoveAreToldByGetContainerEventsAsContainerdsSandboxContainers() throws Exception {
    BlockingQueue<ContainerEventResponse> events = new LinkedBlockingQueue<>();
    Context.CancellableContext following = Context.current().withCancellation();
    List<String> pods = new ArrayList<>();
    try {
      followEvents(following, events);
      for (NamespaceMode pid : List.of(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.NODE)) {
        PodSandboxConfig config = pod("told-" + pid.name().toLowerCase()).setLinux(LinuxPodSandboxConfig.newBuilder()
            .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                NamespaceOption.newBuilder().setPid(pid)))).build();
        String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
        pods.add(pod);
        List<ContainerEventResponse> run = eventsOf(pod, events, 2);
        assertEquals(List.of(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT),
            types(run), pid + ": " + run);
        for (ContainerEventResponse e : run) {
          assertEquals(pod, e.getPodSandboxStatus().getId(), e.toString());
          assertEquals(PodSandboxState.SANDBOX_READY, e.getPodSandboxStatus().getState(), e.toString());
          assertEquals(0, e.getContainersStatusesCount(), e.toString());
          assertTrue(e.getCreatedAt() > 0, e.toString());
        }

        String sleeper = create(pod, busybox("sleeper", "exec sleep 1000"), config);
        cri.startContainer(StartContainerRequest.newBuilder().setContainerId(sleeper).build());
        awaitState(sleeper, ContainerState.CONTAINER_RUNNING);
        cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        List<ContainerEventResponse> stop = eventsOf(pod, events, 1);
        assertEquals(List.of(ContainerEventType.CONTAINER_STOPPED_EVENT), types(stop), pid + ": told once " + stop);
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, stop.get(0).getPodSandboxStatus().getState(), stop.toString());
        assertEquals(List.of(sleeper), stop.get(0).getContainersStatusesList().stream().map(ContainerStatus::getId)
            .toList());
        assertEquals(ContainerState.CONTAINER_EXITED, stop.get(0).getContainersStatuses(0).getState());

        cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        List<ContainerEventResponse> removed = eventsOf(pod, events, 1);
        assertEquals(List.of(ContainerEventType.CONTAINER_DELETED_EVENT), types(removed), pid + ": " + removed);
        assertFalse(removed.get(0).hasPodSandboxStatus(), "containerd's sandbox is gone: " + removed);
        assertEquals(0, removed.get(0).getContainersStatusesCount(), removed.toString());
      }

      // the kubelet may remove a ready pod: containerd stops it first, and says so
      String ready = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod("told-removed")).build())
          .getPodSandboxId();
      pods.add(ready);
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(ready).build());
      assertEquals(List.of(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT,
          ContainerEventType.CONTAINER_STOPPED_EVENT, ContainerEventType.CONTAINER_DELETED_EVENT),
          types(eventsOf(ready, events, 4)));
    } finally {
      following.cancel(null);
      for (String pod : pods) {
        cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      }
    }
  }

  @Test
  void everyPodMadeBeforeTheNodeRebootedIsNotReadyAsContainerdsWhoseSandboxTasksAreGone() throws Exception {
    PodSandboxConfig config = pod("rebooted").build();
    PodSandboxConfig hostConfig = pod("rebooted-host").setLinux(LinuxPodSandboxConfig.newBuilder()
        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
            .setNetwork(NamespaceMode.NODE).setIpc(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER)))).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    String hostPod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(hostConfig).build())
        .getPodSandboxId();
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      assertEquals(List.of(PodSandboxState.SANDBOX_READY), podStates(PodSandboxFilter.newBuilder().setId(pod)));
      // as an older berthd made it, without naming its boot: made on this boot, it stays ready
      ContainersGrpc.newBlockingStub(k8s.channel()).update(UpdateContainerRequest.newBuilder()
          .setContainer(containerd.services.containers.v1.Container.newBuilder().setId(hostPod))
          .setUpdateMask(FieldMask.newBuilder().addPaths("labels.io.berth.cri.boot-id")).build());
      assertEquals(List.of(PodSandboxState.SANDBOX_READY), podStates(PodSandboxFilter.newBuilder().setId(hostPod)));
      // a reboot takes berthd's state directory, its pods' namespaces and holders with it: what
      // this boot finds of a pod is its record, naming the boot it was made on
      for (String id : List.of(pod, hostPod)) {
        ContainersGrpc.newBlockingStub(k8s.channel()).update(UpdateContainerRequest.newBuilder()
            .setContainer(record(k8s, id).toBuilder().putLabels("io.berth.cri.boot-id", "an-earlier-boot"))
            .setUpdateMask(FieldMask.newBuilder().addPaths("labels.io.berth.cri.boot-id")).build());
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
            .setPodSandboxId(id).build()).getStatus().getState(), id);
        assertEquals(List.of(PodSandboxState.SANDBOX_NOTREADY), podStates(PodSandboxFilter.newBuilder().setId(id)));
        assertEquals(List.of(), podStates(PodSandboxFilter.newBuilder().setId(id).setState(
            PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))));
      }
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> create(hostPod, busybox("late", "true"), hostConfig));
      assertEquals(List.of(Status.Code.FAILED_PRECONDITION, "pod sandbox " + hostPod + " is not ready: its namespaces"
          + " are gone (the node rebooted, or the process holding its PID namespace was killed): stop and remove the"
          + " pod"), List.of(e.getStatus().getCode(), e.getStatus().getDescription()), e.toString());
      // the kubelet then stops and removes them, and makes them again
      for (String id : List.of(pod, hostPod)) {
        cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        assertEquals(List.of(PodSandboxState.SANDBOX_NOTREADY), podStates(PodSandboxFilter.newBuilder().setId(id)));
      }
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(hostPod).build());
    }
  }

  @Test
  void aContainerAnOlderBerthdMadeJoiningItsPodsHolderByPathGetsTheLabelOrIsRefused() throws Exception {
    Path logs = dir.resolve("legacy-logs");
    PodSandboxConfig config = pod("legacy").setLogDirectory(logs.toString()).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      long holder = JSON.readTree(cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod)
          .setVerbose(true).build()).getInfoOrThrow("info")).path("pid").asLong();
      String upgraded = create(pod, busybox("upgraded", "echo $(tr '\\0' ' ' < /proc/1/cmdline)"), config);
      madeByAnOlderBerthd(k8s, upgraded, holder);
      // a path whose pid is now another process's: this test's, in the host's PID namespace
      String stale = create(pod, busybox("stale", "echo ran"), config);
      madeByAnOlderBerthd(k8s, stale, ProcessHandle.current().pid());

      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(upgraded).build());
      assertEquals(0, awaitState(upgraded, ContainerState.CONTAINER_EXITED).getExitCode());
      assertEquals(List.of("stdout F berth-pod"), logLines(logs.resolve("upgraded/0.log")));
      assertTrue(record(k8s, upgraded).getLabelsOrDefault(ContainerLabels.PID, "")
          .startsWith(ContainerLabels.JOINED_PROCESS_PREFIX + holder + ":"),
          "the holder named as new containers name it");

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> cri.startContainer(StartContainerRequest.newBuilder().setContainerId(stale).build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
      assertEquals("container " + stale + " was created by an older berthd and joins the PID namespace /proc/"
          + ProcessHandle.current().pid() + "/ns/pid, which is no longer its pod's or its target's: remove the"
          + " container and create it again", e.getStatus().getDescription());
      assertEquals(ContainerState.CONTAINER_CREATED, status(stale).getState());
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  private static containerd.services.containers.v1.Container record(BerthClient k8s, String id) {
    return ContainersGrpc.newBlockingStub(k8s.channel()).get(GetContainerRequest.newBuilder().setId(id).build())
        .getContainer();
  }

  /** Makes the record as a berthd before the io.berth.pid label made it: no label, {@code pid}'s namespace by path. */
  private static void madeByAnOlderBerthd(BerthClient k8s, String id, long pid) throws Exception {
    containerd.services.containers.v1.Container record = record(k8s, id);
    ObjectNode spec = (ObjectNode) JSON.readTree(record.getSpec().getValue().toByteArray());
    ArrayNode namespaces = (ArrayNode) spec.path("linux").path("namespaces");
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if ("pid".equals(namespaces.get(i).path("type").asText())) {
        namespaces.remove(i);
      }
    }
    namespaces.addObject().put("type", "pid").put("path", "/proc/" + pid + "/ns/pid");
    ContainersGrpc.newBlockingStub(k8s.channel()).update(UpdateContainerRequest.newBuilder()
        .setContainer(record.toBuilder().removeLabels(ContainerLabels.PID)
            .setSpec(record.getSpec().toBuilder().setValue(ByteString.copyFrom(JSON.writeValueAsBytes(spec)))))
        .setUpdateMask(FieldMask.newBuilder().addPaths("spec").addPaths("labels." + ContainerLabels.PID))
        .build());
  }

  private static ContainerConfig.Builder targeting(ContainerConfig.Builder config, String target) {
    return config.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.TARGET)
            .setTargetId(target))));
  }

  /** StartContainer fails in containerd's words, the container ends with StartError as containerd's, no task is left. */
  private static void assertRefusedAndNeverRan(String id, String words, Path log, BerthClient k8s) throws Exception {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> cri.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
    assertTrue(e.getStatus().getDescription().startsWith(words), e.getStatus().getDescription());
    ContainerStatus refused = status(id);
    assertEquals(List.of(ContainerState.CONTAINER_EXITED, 128, "StartError", e.getStatus().getDescription()),
        List.of(refused.getState(), refused.getExitCode(), refused.getReason(), refused.getMessage()),
        refused.toString());
    assertEquals(Status.Code.NOT_FOUND, code(() -> TasksGrpc.newBlockingStub(k8s.channel())
        .get(GetRequest.newBuilder().setContainerId(id).build())), "no task is left of it");
    // made before the task, as containerd opens it: crictl logs shows it empty, not lstat's ENOENT
    assertEquals("", Files.readString(log), "it never ran: " + log);
  }

  @Test
  void seccompProfilesAndThePodsSysctlsReachItsContainers() throws Exception {
    Path logs = dir.resolve("security-logs");
    Path blockChmod = dir.resolve("block-chmod.json");
    Files.writeString(blockChmod, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
        + "[{\"names\": [\"chmod\", \"fchmodat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
    PodSandboxConfig config = pod("secure").setLogDirectory(logs.toString()).setLinux(LinuxPodSandboxConfig
        .newBuilder().putSysctls("kernel.shm_rmid_forced", "1").putSysctls("fs.mqueue.msg_max", "100")
        .putSysctls("net.ipv4.ip_unprivileged_port_start", "1000")).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      Map<String, String> scripts = Map.of(
          "default", "grep Seccomp: /proc/self/status; hostname other || echo sethostname refused",
          "admin", "hostname other && echo sethostname allowed",
          "local", "chmod 400 / || echo chmod refused",
          "unconfined", "grep Seccomp: /proc/self/status",
          "sysctls", "cat /proc/sys/kernel/shm_rmid_forced /proc/sys/fs/mqueue/msg_max "
              + "/proc/sys/net/ipv4/ip_unprivileged_port_start");
      Map<String, String> profiles = Map.of("default", "runtime/default", "admin", "docker/default",
          "local", "localhost/" + blockChmod, "unconfined", "unconfined", "sysctls", "");
      for (String name : scripts.keySet()) {
        LinuxContainerSecurityContext.Builder security = LinuxContainerSecurityContext.newBuilder()
            .setSeccompProfilePath(profiles.get(name));
        if (name.equals("admin")) {
          security.getCapabilitiesBuilder().addAddCapabilities("SYS_ADMIN");
        }
        String id = create(pod, busybox(name, scripts.get(name)).setLinux(LinuxContainerConfig.newBuilder()
            .setSecurityContext(security)), config);
        cri.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        awaitState(id, ContainerState.CONTAINER_EXITED);
      }
      List<String> filtered = logLines(logs.resolve("default/0.log"));
      assertTrue(filtered.containsAll(List.of("stdout F Seccomp:\t2", "stdout F sethostname refused")),
          "filtered, and without CAP_SYS_ADMIN no sethostname: " + filtered);
      assertEquals(List.of("stdout F sethostname allowed"), logLines(logs.resolve("admin/0.log")),
          "the default profile lets CAP_SYS_ADMIN set the hostname");
      // stdout's line only: chmod's complaint on stderr may be logged before or after it
      assertEquals(List.of("stdout F chmod refused"), logLines(logs.resolve("local/0.log")).stream()
          .filter(l -> l.startsWith("stdout ")).toList());
      assertEquals(List.of("stdout F Seccomp:\t0"), logLines(logs.resolve("unconfined/0.log")));
      assertEquals(List.of("stdout F 1", "stdout F 100", "stdout F 1000"), logLines(logs.resolve("sysctls/0.log")));
      String badPath = "localhost/" + dir.resolve("missing.json");
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(pod, busybox("bad", "true").setLinux(
          LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
              .setSeccompProfilePath(badPath))), config)));
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(pod, busybox("bad", "true").setLinux(
          LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
              .setSeccompProfilePath(blockChmod.toString()))), config)), "a profile path without localhost/");
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  @Test
  void containersGetThePodsHostnameInTheirEnvironmentBerthdsLimitsAndTheCrisAnnotations() throws Exception {
    Path logs = dir.resolve("env-logs");
    PodSandboxConfig config = pod("envs").setHostname("envhost").setLogDirectory(logs.toString()).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      // the shell's own environment, as exec gave it: busybox's sh sets a HOSTNAME variable of its own
      String c = create(pod, busybox("env", "tr '\\0' '\\n' < /proc/$$/environ | grep ^HOSTNAME=; ulimit -n"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      assertEquals(0, awaitState(c, ContainerState.CONTAINER_EXITED).getExitCode());
      String berthdFiles = Files.readAllLines(Path.of("/proc/self/limits")).stream()
          .filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow().split("\\s+")[3];
      assertEquals(List.of("stdout F HOSTNAME=envhost", "stdout F " + berthdFiles), logLines(logs.resolve("env/0.log")),
          "the pod's hostname as containerd gives it, and berthd's open files limit, not a spec's 1024");

      String spec = cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(c).setVerbose(true).build())
          .getInfoOrThrow("info");
      for (String annotation : List.of("\"io.kubernetes.cri.container-type\":\"container\"",
          "\"io.kubernetes.cri.container-name\":\"env\"", "\"io.kubernetes.cri.sandbox-id\":\"" + pod + "\"",
          "\"io.kubernetes.cri.sandbox-name\":\"envs\"", "\"io.kubernetes.cri.sandbox-namespace\":\"default\"",
          "\"io.kubernetes.cri.sandbox-uid\":\"" + config.getMetadata().getUid() + "\"",
          "\"io.kubernetes.cri.image-name\":\"docker.io/library/busybox:latest\"")) {
        assertTrue(spec.contains(annotation), annotation + " in " + spec);
      }
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  @Test
  void aContainersOwnGroupStaysAmongItsSupplementaryOnesAsWithContainerd() throws Exception {
    Path logs = dir.resolve("groups-logs");
    PodSandboxConfig config = pod("groups").setLogDirectory(logs.toString()).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      // as the kubelet sends a pod's runAsUser, runAsGroup and supplementalGroups
      String c = create(pod, busybox("groups", "grep -E '^(Gid|Groups):' /proc/self/status").setLinux(
          LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
              .setRunAsUser(Int64Value.newBuilder().setValue(1000)).setRunAsGroup(Int64Value.newBuilder()
                  .setValue(3000)).addAllSupplementalGroups(List.of(2000L, 4000L)))), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      assertEquals(0, awaitState(c, ContainerState.CONTAINER_EXITED).getExitCode());
      assertEquals(List.of("stdout F Gid:\t3000\t3000\t3000\t3000", "stdout F Groups:\t2000 3000 4000 "),
          logLines(logs.resolve("groups/0.log")), "containerd's ensureAdditionalGids (CVE-2023-25173), sorted by the kernel");
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  @Test
  void theKubeletsCpusetsPinAContainersCpusAndMemoryNodesAtCreateAndUpdate() throws Exception {
    Path cpusetRoot = Path.of("/sys/fs/cgroup/cpuset");
    assumeTrue(Files.isRegularFile(cpusetRoot.resolve("cpuset.mems")), "needs cgroup v1's cpuset controller");
    // the node's first CPU and memory node, as the kubelet's CPU and memory managers pin them
    String cpu = Files.readString(cpusetRoot.resolve("cpuset.cpus")).strip().split("[-,]")[0];
    String mem = Files.readString(cpusetRoot.resolve("cpuset.mems")).strip().split("[-,]")[0];
    String parent = "/berth-cri-test-" + UUID.randomUUID().toString().substring(0, 8);
    PodSandboxConfig config = pod("pinned").setLogDirectory(dir.resolve("cpuset-logs").toString())
        .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(parent)).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      String c = create(pod, busybox("pinned", "sleep 60").setLinux(LinuxContainerConfig.newBuilder()
          .setResources(LinuxContainerResources.newBuilder().setCpusetCpus(cpu).setCpusetMems(mem))), config);
      JsonNode spec = JSON.readTree(cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(c)
          .setVerbose(true).build()).getInfoOrThrow("info")).path("runtimeSpec").path("linux").path("resources");
      assertEquals(List.of(cpu, mem), List.of(spec.path("cpu").path("cpus").asText(), spec.path("cpu").path("mems")
          .asText()), spec.toString());
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      Path cgroup = cpusetRoot.resolve(parent.substring(1)).resolve(c);
      assertEquals(mem, Files.readString(cgroup.resolve("cpuset.mems")).strip());

      // the CPU manager's reconciliation sends the sets again through UpdateContainerResources
      cri.updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(c)
          .setLinux(LinuxContainerResources.newBuilder().setCpusetCpus(cpu).setCpusetMems(mem)).build());
      LinuxContainerResources kept = status(c).getResources().getLinux();
      assertEquals(List.of(cpu, mem), List.of(kept.getCpusetCpus(), kept.getCpusetMems()), kept.toString());
      assertEquals(cpu, Files.readString(cgroup.resolve("cpuset.cpus")).strip());
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      removeCgroupParent(parent);
    }
  }

  @Test
  void verboseStatusesCarryWhatCrictlInspectShowsFromContainerd() throws Exception {
    Path logs = dir.resolve("inspect-logs");
    PodSandboxConfig config = pod("inspected").setLogDirectory(logs.toString()).setLinux(LinuxPodSandboxConfig
        .newBuilder().putSysctls("net.ipv4.ip_unprivileged_port_start", "80")).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      JsonNode info = JSON.readTree(cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod)
          .setVerbose(true).build()).getInfoOrThrow("info"));
      long pid = info.path("pid").asLong();
      assertEquals("berth-pod", command(pid), "the pid is the holder of the pod's PID namespace: " + info);
      assertEquals("running", info.path("processStatus").asText());
      assertFalse(info.path("netNamespaceClosed").asBoolean(true));
      String address = cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build())
          .getStatus().getNetwork().getIp();
      assertEquals(address, info.path("cniResult").at("/Interfaces/eth0/IPConfigs/0/IP").asText(), info.toString());
      assertEquals(logs.toString(), info.path("config").path("log_directory").asText(),
          "the kubelet's field names, as containerd prints the config: " + info);
      JsonNode spec = info.path("runtimeSpec");
      assertEquals("sandbox", spec.path("annotations").path("io.kubernetes.cri.container-type").asText(), spec.toString());
      assertEquals(pod, spec.path("annotations").path("io.kubernetes.cri.sandbox-id").asText());
      assertEquals("80", spec.path("linux").path("sysctl").path("net.ipv4.ip_unprivileged_port_start").asText());
      Map<String, String> namespaces = new java.util.TreeMap<>();
      spec.path("linux").path("namespaces").forEach(n -> namespaces.put(n.path("type").asText(), n.path("path").asText()));
      assertEquals(List.of("ipc", "network", "pid", "uts"), List.copyOf(namespaces.keySet()), spec.toString());
      assertEquals("/proc/" + pid + "/ns/pid", namespaces.get("pid"));
      // the paths are the namespaces the pod's containers join
      String c = create(pod, busybox("ns", "ls -l /proc/self/ns/ipc /proc/self/ns/uts /proc/self/ns/net"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      awaitState(c, ContainerState.CONTAINER_EXITED);
      Map<String, String> seen = namespaces(logLines(logs.resolve("ns/0.log")));
      for (String type : List.of("ipc", "uts", "net")) {
        assertEquals(type + ":[" + Files.getAttribute(Path.of(namespaces.get(type.equals("net") ? "network" : type)),
            "unix:ino") + "]", seen.get(type), type);
      }
      JsonNode containerInfo = JSON.readTree(cri.containerStatus(ContainerStatusRequest.newBuilder()
          .setContainerId(c).setVerbose(true).build()).getInfoOrThrow("info"));
      assertEquals("ns/0.log", containerInfo.path("config").path("log_path").asText(), containerInfo.toString());
      assertEquals(c, containerInfo.path("snapshotKey").asText(), containerInfo.toString());
      assertEquals("overlayfs", containerInfo.path("snapshotter").asText());
      assertEquals("io.containerd.runc.v2", containerInfo.path("runtimeType").asText());
      assertTrue(containerInfo.path("runtimeOptions").isObject() && containerInfo.has("removing"));

      cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      JsonNode stopped = JSON.readTree(cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(pod).setVerbose(true).build()).getInfoOrThrow("info"));
      assertEquals(0, stopped.path("pid").asLong(-1), stopped.toString());
      assertEquals("deleted", stopped.path("processStatus").asText(), "containerd's word once the pod is stopped");
      assertTrue(stopped.path("netNamespaceClosed").asBoolean(false));
      assertTrue(stopped.path("cniResult").isNull(), stopped.toString());
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  @Test
  void podsAndContainersAreFoundByAUniquePrefixOfTheirIdsAsContainerdsTruncIndexFindsThem() throws Exception {
    PodSandboxConfig config = pod("prefixed").setLogDirectory(dir.resolve("prefix-logs").toString()).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      String c = create(pod, busybox("prefixed", "sleep 60"), config);
      // crictl pods and crictl ps show 13 characters of an id
      String podPrefix = pod.substring(0, 13);
      String prefix = c.substring(0, 13);
      assertEquals(pod, cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podPrefix).build())
          .getStatus().getId());
      assertEquals(c, status(prefix).getId());
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(prefix).build());
      assertEquals(ContainerState.CONTAINER_RUNNING, status(c).getState());
      cri.stopContainer(StopContainerRequest.newBuilder().setContainerId(prefix).build());
      assertEquals(ContainerState.CONTAINER_EXITED, status(c).getState());
      cri.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(prefix).build());
      assertEquals(Status.Code.NOT_FOUND, code(() -> status(c)));
      cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podPrefix).build());
      assertEquals(PodSandboxState.SANDBOX_NOTREADY, cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(pod).build()).getStatus().getState());
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podPrefix).build());
      assertEquals(Status.Code.NOT_FOUND, code(() -> cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(pod).build())));
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  @Test
  void streamingAndListCallsTakeAUniquePrefixOfAnIdAsContainerdsCriDoes() throws Exception {
    PodSandboxConfig config = pod("prefixed-streams").setLogDirectory(dir.resolve("prefix-stream-logs").toString())
        .build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      String c = create(pod, busybox("prefixed-streams", "sleep 60"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      String podPrefix = pod.substring(0, 13);
      String prefix = c.substring(0, 13);

      assertEquals("hi\n", cri.execSync(ExecSyncRequest.newBuilder().setContainerId(prefix).addAllCmd(
          List.of("echo", "hi")).build()).getStdout().toStringUtf8());
      // the URL's token names the whole id: the streaming server runs the exec in that container
      String url = cri.exec(runtime.v1.ExecRequest.newBuilder().setContainerId(prefix).addAllCmd(
          List.of("echo", "streamed")).setStdout(true).build()).getUrl();
      try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
        int error = client.open(Map.of("streamType", "error"));
        int stdout = client.open(Map.of("streamType", "stdout"));
        assertEquals("streamed\n", client.readToEnd(stdout, 30));
        assertEquals("Success", JSON.readTree(client.readToEnd(error, 30)).path("status").asText());
      }
      assertFalse(cri.attach(runtime.v1.AttachRequest.newBuilder().setContainerId(prefix).setStdout(true).build())
          .getUrl().isEmpty());
      assertFalse(cri.portForward(runtime.v1.PortForwardRequest.newBuilder().setPodSandboxId(podPrefix).addPort(80)
          .build()).getUrl().isEmpty());

      // list filters: containerd's CRI makes a unique prefix whole before it compares ids
      assertEquals(List.of(c), cri.listContainers(ListContainersRequest.newBuilder().setFilter(
          ContainerFilter.newBuilder().setPodSandboxId(podPrefix)).build()).getContainersList().stream()
          .map(Container::getId).toList());
      assertEquals(List.of(c), cri.listContainers(ListContainersRequest.newBuilder().setFilter(
          ContainerFilter.newBuilder().setId(prefix)).build()).getContainersList().stream()
          .map(Container::getId).toList());
      assertEquals(List.of(pod), cri.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(
          PodSandboxFilter.newBuilder().setId(podPrefix)).build()).getItemsList().stream()
          .map(PodSandbox::getId).toList());
      assertEquals(List.of(c), cri.listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(
          ContainerStatsFilter.newBuilder().setPodSandboxId(podPrefix)).build()).getStatsList().stream()
          .map(s -> s.getAttributes().getId()).toList());
      assertEquals(List.of(pod), cri.listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder().setFilter(
          PodSandboxStatsFilter.newBuilder().setId(podPrefix)).build()).getStatsList().stream()
          .map(s -> s.getAttributes().getId()).toList());
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  /** A record made outside the CRI in its namespace, as {@code ctr -n k8s.io c create} makes one. */
  private static void outsideRecord(BerthClient k8s, String id, Map<String, String> labels) {
    ContainersGrpc.newBlockingStub(k8s.channel()).create(containerd.services.containers.v1.CreateContainerRequest
        .newBuilder().setContainer(containerd.services.containers.v1.Container.newBuilder().setId(id)
            .putAllLabels(labels).setRuntime(containerd.services.containers.v1.Container.Runtime.newBuilder()
                .setName("io.containerd.runc.v2"))
            .setSpec(com.google.protobuf.Any.newBuilder().setTypeUrl(dev.berth.client.spec.SpecJson.TYPE_URL)
                .setValue(ByteString.copyFromUtf8("{}")))).build());
  }

  private static void deleteRecords(List<String> ids) throws Exception {
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      for (String id : ids) {
        ContainersGrpc.newBlockingStub(k8s.channel()).delete(containerd.services.containers.v1.DeleteContainerRequest
            .newBuilder().setId(id).build());
      }
    }
  }

  /**
   * A record labelled as the CRI's without its config (ctr -n k8s.io c create --label
   * io.berth.cri.kind=sandbox …) is left out of the listings, as containerd's CRI leaves out what
   * it cannot load, instead of failing them all.
   */
  @Test
  void listingsLeaveOutRecordsTheyCannotLoad() throws Exception {
    PodSandboxConfig config = pod("beside-unloadable").setLogDirectory(dir.resolve("unloadable-logs").toString())
        .build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    List<String> outside = new ArrayList<>();
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      String c = create(pod, busybox("beside-unloadable", "sleep 60"), config);
      String fakePod = "fakepod-" + UUID.randomUUID();
      outsideRecord(k8s, fakePod, Map.of("io.berth.cri.kind", "sandbox"));
      outside.add(fakePod);
      String fakeContainer = "fakecontainer-" + UUID.randomUUID();
      outsideRecord(k8s, fakeContainer, Map.of("io.berth.cri.kind", "container", "io.berth.cri.sandbox-id", pod));
      outside.add(fakeContainer);

      List<String> pods = cri.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().stream()
          .map(PodSandbox::getId).toList();
      assertTrue(pods.contains(pod) && !pods.contains(fakePod), pods.toString());
      assertEquals(List.of(c), cri.listContainers(ListContainersRequest.newBuilder().setFilter(
          ContainerFilter.newBuilder().setPodSandboxId(pod)).build()).getContainersList().stream()
          .map(Container::getId).toList());
      List<String> containers = cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
          .stream().map(Container::getId).toList();
      assertTrue(containers.contains(c) && !containers.contains(fakeContainer), containers.toString());
    } finally {
      deleteRecords(outside);
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  /**
   * containerd's CRI knows only the containers it made: berthctl's in its namespace, and pods, are
   * not found by Exec, ExecSync and Attach (NotFound).
   */
  @Test
  void execAndAttachFindNoContainerMadeOutsideTheCriNorAPod() throws Exception {
    PodSandboxConfig config = pod("outside-exec").build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    String foreign = "berthctl-" + UUID.randomUUID();
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      outsideRecord(k8s, foreign, Map.of());
      for (String notACriContainer : List.of(foreign, pod)) {
        assertEquals(Status.Code.NOT_FOUND, code(() -> cri.execSync(ExecSyncRequest.newBuilder()
            .setContainerId(notACriContainer).addCmd("hostname").build())), notACriContainer);
        assertEquals(Status.Code.NOT_FOUND, code(() -> cri.exec(runtime.v1.ExecRequest.newBuilder()
            .setContainerId(notACriContainer).addCmd("hostname").setStdout(true).build())), notACriContainer);
        assertEquals(Status.Code.NOT_FOUND, code(() -> cri.attach(runtime.v1.AttachRequest.newBuilder()
            .setContainerId(notACriContainer).setStdout(true).build())), notACriContainer);
      }
    } finally {
      deleteRecords(List.of(foreign));
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  /** A record outside the CRI whose id is a prefix of a CRI id hides no CRI container or pod behind it. */
  @Test
  void aRecordOutsideTheCriNamedByAPrefixHidesNoCriId() throws Exception {
    PodSandboxConfig config = pod("outside-prefix").setLogDirectory(dir.resolve("outside-logs").toString()).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    List<String> outside = new ArrayList<>();
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io")) {
      String c = create(pod, busybox("outside-prefix", "sleep 60"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      String prefix = c.substring(0, 13);
      String podPrefix = pod.substring(0, 13);
      outsideRecord(k8s, prefix, Map.of());
      outside.add(prefix);
      outsideRecord(k8s, podPrefix, Map.of());
      outside.add(podPrefix);
      assertEquals(c, status(prefix).getId());
      assertEquals("hi\n", cri.execSync(ExecSyncRequest.newBuilder().setContainerId(prefix).addAllCmd(
          List.of("echo", "hi")).build()).getStdout().toStringUtf8());
      assertEquals(pod, cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podPrefix).build())
          .getStatus().getId());
    } finally {
      deleteRecords(outside);
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  /** A pod id filter is matched as given, whatever it holds: no pod has it, so no container (crictl ps --pod 'a"b'). */
  @Test
  void aPodIdFilterOfAnyCharactersMatchesNothing() {
    for (String odd : List.of("a\"b", "a\\", "a,b", "a b")) {
      assertEquals(List.of(), cri.listContainers(ListContainersRequest.newBuilder().setFilter(
          ContainerFilter.newBuilder().setPodSandboxId(odd)).build()).getContainersList(), odd);
    }
  }

  @Test
  void aPodsContainersShareItsDevShmAndANodeIpcPodTheNodes() throws Exception {
    Path logs = dir.resolve("shm-logs");
    PodSandboxConfig config = pod("shm").setLogDirectory(logs.toString()).build();
    String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    try {
      String writer = create(pod, busybox("writer", "echo shared > /dev/shm/note"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(writer).build());
      assertEquals(0, awaitState(writer, ContainerState.CONTAINER_EXITED).getExitCode());
      String reader = create(pod, busybox("reader", "cat /dev/shm/note"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(reader).build());
      assertEquals(0, awaitState(reader, ContainerState.CONTAINER_EXITED).getExitCode());
      assertEquals(List.of("stdout F shared"), logLines(logs.resolve("reader/0.log")),
          "POSIX shared memory is the pod's, as its System V IPC is");

      // a pod whose tmpfs is gone (made by a berthd before pods had one, unmounted, the host
      // restarted): its containers get their own, not the bare directory left where it was
      Path shm = berthd.socket().getParent().resolve("cri/pods").resolve(pod).resolve("shm");
      assertEquals(0, Processes.run(List.of("umount", shm.toString()), null, 10).exit());
      Files.writeString(shm.resolve("left-on-the-state-disk"), "x");
      String older = create(pod, busybox("older", "ls /dev/shm | wc -l"), config);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(older).build());
      assertEquals(0, awaitState(older, ContainerState.CONTAINER_EXITED).getExitCode());
      assertEquals(List.of("stdout F 0"), logLines(logs.resolve("older/0.log")));
    } finally {
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
    assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains(pod), "the pod's /dev/shm goes with it");

    PodSandboxConfig node = pod("shm-node").setLogDirectory(logs.toString()).setLinux(LinuxPodSandboxConfig.newBuilder()
        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
            .setIpc(NamespaceMode.NODE)))).build();
    String nodePod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(node).build()).getPodSandboxId();
    Path note = Path.of("/dev/shm", "berth-test-" + UUID.randomUUID());
    try {
      Files.writeString(note, "node's\n");
      String c = create(nodePod, busybox("node-reader", "cat " + note), node);
      cri.startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
      assertEquals(0, awaitState(c, ContainerState.CONTAINER_EXITED).getExitCode());
      assertEquals(List.of("stdout F node's"), logLines(logs.resolve("node-reader/0.log")));
    } finally {
      Files.deleteIfExists(note);
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(nodePod).build());
    }
  }

  private List<PodSandboxState> podStates(PodSandboxFilter.Builder filter) {
    return cri.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(filter).build()).getItemsList().stream()
        .map(PodSandbox::getState).toList();
  }

  /** A process's command name; empty once it has ended (killing the holder ends the others). */
  private static String command(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** The host's pids of the processes in a PID namespace ({@code pid:[inode]}), read from /proc. */
  private static List<Long> processesIn(String pidNamespace) {
    return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(pid -> {
      try {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString()
            .equals(pidNamespace);
      } catch (IOException e) {
        return false;
      }
    }).toList();
  }
}
