package dev.berth.common.grpc;

import dev.berth.api.grpc.MessageLimits;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A gRPC server on a Unix-domain socket: services wrapped with {@link ServiceInterceptors}, plus
 * health and reflection. The socket is created mode 0660, optionally owned by a group.
 */
public final class UnixSocketServer implements AutoCloseable {
  /** sun_path holds 108 bytes including the terminating NUL. */
  private static final int MAX_SOCKET_PATH_BYTES = 107;
  private static final Logger LOG = Logger.getLogger(UnixSocketServer.class.getName());

  private final Path socket;
  private final Server server;
  private final HealthStatusManager health;
  /** The event loops this server closes when it terminates; null when they are shared. */
  private final SocketEventLoops ownLoops;

  private UnixSocketServer(Path socket, Server server, HealthStatusManager health, SocketEventLoops ownLoops) {
    this.socket = socket;
    this.health = health;
    this.server = server;
    this.ownLoops = ownLoops;
  }

  /**
   * As {@link #start(Path, List, String, ExecutorService, SocketEventLoops, Set)}, with event
   * loops of its own and every call on {@code executor}.
   */
  public static UnixSocketServer start(Path socket, List<ServerServiceDefinition> services,
      String group, ExecutorService executor) throws IOException {
    SocketEventLoops loops = new SocketEventLoops();
    try {
      return start(socket, services, null, group, executor, loops, loops, Set.of());
    } catch (IOException | RuntimeException e) {
      loops.close();
      throw e;
    }
  }

  /**
   * Binds {@code services} on {@code socket}, replacing a stale socket file left by a killed
   * process. The caller must make sure no live server owns the path (berthd holds a lock on its
   * state directory for that), and close {@code loops} after the server terminated. Calls of
   * the {@code inline} methods (full names) run on the socket thread, the others on
   * {@code executor}: see {@link InlineCalls} for which methods may.
   */
  public static UnixSocketServer start(Path socket, List<ServerServiceDefinition> services,
      String group, ExecutorService executor, SocketEventLoops loops, Set<String> inline) throws IOException {
    return start(socket, services, null, group, executor, loops, null, inline);
  }

  /**
   * As {@link #start(Path, List, String, ExecutorService, SocketEventLoops, Set)}, with the calls
   * of methods none of {@code services} has looked up in {@code fallback}.
   */
  public static UnixSocketServer start(Path socket, List<ServerServiceDefinition> services, HandlerRegistry fallback,
      String group, ExecutorService executor, SocketEventLoops loops, Set<String> inline) throws IOException {
    return start(socket, services, fallback, group, executor, loops, null, inline);
  }

  private static UnixSocketServer start(Path socket, List<ServerServiceDefinition> services, HandlerRegistry fallback,
      String group, ExecutorService executor, SocketEventLoops loops, SocketEventLoops ownLoops, Set<String> inline)
      throws IOException {
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
      throw new IOException("socket path " + socket + " is longer than " + MAX_SOCKET_PATH_BYTES
          + " bytes, the limit of a Unix socket address; choose a shorter state directory");
    }
    Files.createDirectories(socket.getParent());
    Files.deleteIfExists(socket);
    HealthStatusManager health = new HealthStatusManager();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(loops.loops)
        .workerEventLoopGroup(loops.loops)
        // the default executor runs a call where it was read; InlineCalls sends the rest to the pool
        .directExecutor()
        .callExecutor(new InlineCalls(inline, executor))
        .maxInboundMessageSize(MessageLimits.MAX_MESSAGE_BYTES)
        .flowControlWindow(MessageLimits.FLOW_CONTROL_WINDOW_BYTES)
        .permitKeepAliveWithoutCalls(true)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    services.forEach(builder::addService);
    if (fallback != null) {
      builder.fallbackHandlerRegistry(fallback);
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
    }
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    if (group != null && !group.isEmpty()) {
      GroupPrincipal principal = socket.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByGroupName(group);
      Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(principal);
    }
    UnixSocketServer s = new UnixSocketServer(socket, server, health, ownLoops);
    for (ServerServiceDefinition d : services) {
      s.health.setStatus(d.getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    s.health.setStatus("", ServingStatus.SERVING);
    LOG.info("listening on " + socket);
    return s;
  }

  public Path socket() {
    return socket;
  }

  /**
   * Sets what the health service answers for {@code service}: for services this server reaches
   * through its fallback registry, which it does not mark SERVING itself.
   */
  public void setHealth(String service, ServingStatus status) {
    health.setStatus(service, status);
  }

  /** Stops accepting calls and marks the server NOT_SERVING; in-flight calls go on. */
  public void beginShutdown() {
    health.enterTerminalState();
    server.shutdown();
  }

  /** Waits up to {@code millis} for in-flight calls, then cancels what is left. */
  public void awaitShutdown(long millis) throws InterruptedException {
    if (!server.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
      server.awaitTermination(2, TimeUnit.SECONDS);
    }
    if (ownLoops != null) {
      ownLoops.close();
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warning("cannot remove socket " + socket + ": " + e.getMessage());
    }
  }

  @Override
  public void close() throws InterruptedException {
    beginShutdown();
    awaitShutdown(5000);
  }
}
