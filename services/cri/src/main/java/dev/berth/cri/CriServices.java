package dev.berth.cri;

import dev.berth.api.grpc.Channels;
import io.grpc.BindableService;
import dev.berth.cri.streaming.CriStreaming;
import dev.berth.cri.streaming.StreamingServer;
import io.grpc.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/** The CRI's two gRPC services, built over a channel that reaches berthd's APIs. */
public final class CriServices {
  /**
   * The containerd namespace of everything CRI makes, as containerd's CRI plugin names it: images
   * pulled for pods show in {@code ctr -n k8s.io images ls}, and berthctl's images stay apart.
   */
  public static final String NAMESPACE = "k8s.io";

  private CriServices() {}

  /**
   * {@code api} reaches Berth's services; the CRI's calls go out in {@link #NAMESPACE}. Exec,
   * Attach and PortForward answer URLs of {@code streaming}.
   */
  public static List<BindableService> over(Channel api, StreamingServer streaming) {
    Channel cri = Channels.inNamespace(api, NAMESPACE);
    return List.of(new RuntimeService(new ApiRuntimeState(cri), new CriStreaming(cri, streaming)),
        new ImageService(new ApiImages(cri)));
  }

  /** The streaming server, on {@code address} (port 0: a free port), reaching berthd's services through {@code api}. */
  public static StreamingServer streamingServer(InetSocketAddress address, Channel api) throws InterruptedException {
    return StreamingServer.start(address, Channels.inNamespace(api, NAMESPACE));
  }
}
