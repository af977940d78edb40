package dev.berth.cri;

import dev.berth.api.grpc.Channels;
import io.grpc.BindableService;
import dev.berth.cri.streaming.CriStreaming;
import dev.berth.cri.streaming.StreamingServer;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * The CRI's two gRPC services, built over a channel that reaches berthd's APIs, and the work they
 * need done in the background while berthd serves: keeping the exits of containers that end on
 * their own, and watching pods' PID namespace holders for GetContainerEvents.
 */
public final class CriServices implements AutoCloseable {
  /**
   * The containerd namespace of everything CRI makes, as containerd's CRI plugin names it: images
   * pulled for pods show in {@code ctr -n k8s.io images ls}, and berthctl's images stay apart.
   */
  public static final String NAMESPACE = "k8s.io";
  private static final Logger LOG = Logger.getLogger(CriServices.class.getName());

  private final List<BindableService> services;
  private final ExitCollector exits;
  private final StreamingServer streaming;
  private final PodSandboxes sandboxes;

  private CriServices(List<BindableService> services, ExitCollector exits, StreamingServer streaming,
      PodSandboxes sandboxes) {
    this.services = services;
    this.exits = exits;
    this.streaming = streaming;
    this.sandboxes = sandboxes;
  }

  /**
   * {@code api} reaches Berth's services; the CRI's calls go out in {@link #NAMESPACE}.
   * {@code state} is the CRI's own directory under berthd's state directory (pods' pinned
   * namespaces), which must not outlive a reboot. Exec, Attach and PortForward answer URLs of
   * {@code streaming}.
   */
  public static CriServices over(Channel api, Path state, StreamingServer streaming) {
    return over(api, state, streaming, ContainerEvents.BACKLOG);
  }

  /**
   * As {@link #over(Channel, Path, StreamingServer)}, a GetContainerEvents subscriber's stream
   * ended once {@code eventBacklog} pieces of its work wait ({@link ContainerEvents#BACKLOG}).
   */
  static CriServices over(Channel api, Path state, StreamingServer streaming, int eventBacklog) {
    Channel cri = Channels.inNamespace(api, NAMESPACE);
    ApiImages images = new ApiImages(cri);
    ExitRecords exits = new ExitRecords(cri);
    CriContainers containers = new CriContainers(cri, images, exits);
    PodSandboxes sandboxes = new PodSandboxes(cri, new PodNamespaces(state.resolve("pods")), containers,
        NodeBoot.current());
    return new CriServices(List.of(new RuntimeService(new ApiRuntimeState(cri), sandboxes, containers,
        new ContainerSamples(cri, images), new PodNetworkSamples(cri),
        new PodCgroupMemory(Path.of("/sys/fs/cgroup")),
        new ContainerEvents(cri, sandboxes, containers, eventBacklog),
        new CriStreaming(cri, streaming, ExitRecords::recorded)),
        new ImageService(images)), new ExitCollector(cri, exits), streaming, sandboxes);
  }

  /** RuntimeService and ImageService. */
  public List<BindableService> services() {
    return services;
  }

  /**
   * Starts the background work, and the streaming server's listening; every API the CRI calls
   * must answer by then. A streaming server that cannot listen is logged: the calls that answer
   * its URLs try again, and fail with UNAVAILABLE.
   */
  public void start() {
    exits.start();
    sandboxes.watchRunningHolders();
    try {
      streaming.listen();
    } catch (StatusRuntimeException e) {
      LOG.warning("cri: " + e.getStatus().getDescription());
    }
  }

  @Override
  public void close() {
    exits.close();
  }

  /**
   * The streaming server for {@code address} (port 0: a free port), reaching berthd's services
   * through {@code api}; it listens from {@link #start} on, or from the first URL asked of it.
   */
  public static StreamingServer streamingServer(InetSocketAddress address, Channel api) {
    return StreamingServer.on(address, Channels.inNamespace(api, NAMESPACE), ExitRecords::recorded);
  }
}
