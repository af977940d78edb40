package dev.berth.daemon;

import dev.berth.common.events.GrpcEventPublisher;
import dev.berth.common.grpc.ServiceInterceptors;
import dev.berth.common.grpc.SocketEventLoops;
import dev.berth.common.grpc.UnixSocketServer;
import dev.berth.common.log.Logging;
import dev.berth.common.store.MetadataStore;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.util.MutableHandlerRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.inject.Provider;
import sun.misc.Signal;

/**
 * A running berthd: the chosen service groups, each on its own socket, and in the all-in-one
 * shape every API also on the front socket. Services reach one another through {@code api}, an
 * in-process channel when they share this JVM, or the other processes' sockets otherwise.
 */
public final class Berthd implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("berthd");
  /** How long in-flight calls may run on after a shutdown request before they are cancelled. */
  private static final long DRAIN_MILLIS = 5000;
  /**
   * Names each berthd's in-process server, unique within the JVM (the only place such a name is
   * seen): a random UUID here made the main thread initialise the JDK's secure random generator
   * before the sockets opened, the work StartupWarmUp does on a thread of its own.
   */
  private static final AtomicInteger IN_PROCESS_SERVERS = new AtomicInteger();

  private final List<StateLock> locks;
  private final List<ServiceGroup> groups;
  private final List<UnixSocketServer> servers;
  private final SocketEventLoops socketLoops;
  private final Server inProcess;
  private final ManagedChannel apiChannel;
  /** The channels to the other groups' sockets when not every group runs here; null otherwise. */
  private final RoutingChannel routed;
  private final MetadataStore store;
  private final GrpcEventPublisher events;
  private final ExecutorService executor;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();

  private Berthd(List<StateLock> locks, List<ServiceGroup> groups, List<UnixSocketServer> servers,
      SocketEventLoops socketLoops, Server inProcess, ManagedChannel apiChannel, RoutingChannel routed,
      MetadataStore store, GrpcEventPublisher events, ExecutorService executor) {
    this.locks = locks;
    this.groups = groups;
    this.servers = servers;
    this.socketLoops = socketLoops;
    this.inProcess = inProcess;
    this.apiChannel = apiChannel;
    this.routed = routed;
    this.store = store;
    this.events = events;
    this.executor = executor;
  }

  /** Starts every service group in this JVM, with the front socket. */
  public static Berthd startAll(DaemonConfig config) throws IOException {
    return start(config, ServiceGroups.NAMES);
  }

  /**
   * Starts the named service groups. With all of them, calls between services stay in-process;
   * with a subset, they go to the other groups' sockets under the same state directory.
   */
  public static Berthd start(DaemonConfig config, List<String> names) throws IOException {
    StartupSteps steps = new StartupSteps();
    List<String> groups = names.stream().filter(n -> !n.equals(ServiceGroups.FRONT)).toList();
    boolean allInOne = groups.containsAll(ServiceGroups.NAMES);
    boolean front = allInOne || names.contains(ServiceGroups.FRONT);
    List<StateLock> locks = new ArrayList<>();
    List<UnixSocketServer> servers = new ArrayList<>();
    ExecutorService executor = Executors.newCachedThreadPool(daemonThreads());
    StartupWarmUp.start(executor);
    // Netty's native transport and event loops start on another thread while the services are
    // built: the sockets need them only once every service is there
    CompletableFuture<SocketEventLoops> loopsStarting = CompletableFuture.supplyAsync(SocketEventLoops::new, executor);
    SocketEventLoops socketLoops = null;
    String inProcessName = "berthd-" + IN_PROCESS_SERVERS.incrementAndGet();
    ManagedChannel inProcessChannel = InProcessChannelBuilder.forName(inProcessName).build();
    // a group running alone reaches the others' sockets
    RoutingChannel routed = allInOne ? null : ServiceGroups.routeToSockets(config);
    Channel api = allInOne ? inProcessChannel : routed;
    MetadataStore store = null;
    Server inProcess = null;
    Map<String, ServiceGroup> started = new LinkedHashMap<>();
    Map<String, CompletableFuture<ServiceGroup>> alongside = new HashMap<>();
    try {
      if (front) {
        locks.add(StateLock.acquire(config.state().resolve(ServiceGroups.FRONT + ".lock")));
      }
      for (String g : groups) {
        locks.add(StateLock.acquire(config.state().resolve(g + ".lock")));
      }
      BerthdComponent component = DaggerBerthdComponent.factory().create(config, api);
      store = component.metadataStore();
      steps.step("metadata store");
      Map<String, Provider<ServiceGroup>> available = component.serviceGroups();
      // groups that call no other service while they are built go on a thread of their own, so
      // their set-up overlaps the in-process server's and the other groups'; every group is still
      // added in start-up order. Started before the in-process server: with 65 containers the
      // network group's build (its store's first JSON, netlink, nftables) took 160 ms, and the
      // groups before it in the order were built long before it was done.
      for (String g : groups) {
        if (ServiceGroups.BUILT_ALONGSIDE.contains(g)) {
          alongside.put(g, CompletableFuture.supplyAsync(() -> available.get(g).get(), executor));
        }
      }
      // The in-process server comes before the groups that may call another service as they are
      // built, with services added as their groups are built: such a call finds the server there
      // instead of failing the channel into back-off. Its handlers run on the calling thread,
      // which waits for the answer anyway (blocking stubs) or only publishes (events): a hop to
      // the pool and back cost 2 to 17 ms a call on a busy machine.
      MutableHandlerRegistry inProcessServices = new MutableHandlerRegistry();
      inProcess = InProcessServerBuilder.forName(inProcessName).directExecutor()
          .fallbackHandlerRegistry(inProcessServices).build().start();
      steps.step("in-process server");
      Map<String, List<ServerServiceDefinition>> definitions = new LinkedHashMap<>();
      for (String g : groups) {
        ServiceGroup group = alongside.containsKey(g) ? built(alongside.get(g)) : available.get(g).get();
        started.put(g, group);
        List<ServerServiceDefinition> defs = new ArrayList<>();
        for (BindableService s : group.services()) {
          defs.add(ServiceInterceptors.wrap(s));
        }
        defs.forEach(inProcessServices::addService);
        definitions.put(g, defs);
        steps.step(g);
      }
      socketLoops = built(loopsStarting);
      steps.step("event loops");
      Set<String> inline = InlineMethods.all();
      // the front socket first: it is the one clients such as ctr and berthctl dial, and each
      // group's socket after it takes another 5 to 30 ms to build and bind
      if (allInOne) {
        List<ServerServiceDefinition> everything = new ArrayList<>();
        definitions.values().forEach(everything::addAll);
        servers.add(UnixSocketServer.start(config.frontSocket(), everything, config.socketGroup(), executor,
            socketLoops, inline));
        steps.step("front socket");
      } else if (front) {
        servers.add(UnixSocketServer.start(config.frontSocket(), List.of(), new ForwardedCalls(routed),
            config.socketGroup(), executor, socketLoops, inline));
        steps.step("front socket");
      }
      for (Map.Entry<String, List<ServerServiceDefinition>> e : definitions.entrySet()) {
        servers.add(UnixSocketServer.start(config.socket(e.getKey()), e.getValue(), config.socketGroup(), executor,
            socketLoops, inline));
      }
      steps.step("sockets");
      // once this process's own groups listen: an earlier connect to one would fail, and fail
      // calls for the 0.2 s until the channel tries again
      if (front && !allInOne) {
        // the front socket is the first server started
        FrontHealth.follow(routed, servers.get(0));
      }
      started.values().forEach(g -> g.background().start().run());
      steps.step("background");
      steps.done();
      LOG.info("berthd ready in " + steps.sinceProcessStart() + " ms: root=" + config.root() + " state=" + config.state() + " services=" + started.keySet()
          + (front && !allInOne ? " and the front socket, forwarding to the others" : ""));
      return new Berthd(locks, List.copyOf(started.values()), servers, socketLoops, inProcess, inProcessChannel, routed,
          store, component.eventPublisher(), executor);
    } catch (IOException | RuntimeException e) {
      servers.forEach(s -> s.beginShutdown());
      loopsStarting.handle((l, failure) -> l).join();
      loopsStarting.thenAccept(SocketEventLoops::close);
      if (inProcess != null) {
        inProcess.shutdownNow();
      }
      started.values().forEach(g -> g.background().stop().run());
      inProcessChannel.shutdownNow();
      if (routed != null) {
        routed.shutdownNow();
      }
      started.values().forEach(Berthd::closeQuietly);
      // one still being built when another failed is released once it is done
      alongside.forEach((name, group) -> {
        if (!started.containsKey(name)) {
          group.handle((g, failure) -> g).join();
          group.thenAccept(Berthd::closeQuietly);
        }
      });
      if (store != null) {
        store.close();
      }
      for (StateLock l : locks) {
        l.close();
      }
      executor.shutdownNow();
      throw e;
    }
  }

  /** What another thread built, or what its building threw. */
  private static <T> T built(CompletableFuture<T> thing) {
    try {
      return thing.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static void closeQuietly(ServiceGroup group) {
    try {
      group.resources().close();
    } catch (Exception e) {
      LOG.warning("stopping " + group.name() + ": " + e.getMessage());
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "berthd-call-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops accepting, lets in-flight calls finish for a while, cancels the rest, closes the store.
   * A second call waits for the first to finish.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      try {
        awaitStopped();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      groups.forEach(g -> g.background().stop().run());
      servers.forEach(UnixSocketServer::beginShutdown);
      inProcess.shutdown();
      for (UnixSocketServer s : servers) {
        s.awaitShutdown(DRAIN_MILLIS);
      }
      socketLoops.close();
      if (!inProcess.awaitTermination(1, TimeUnit.SECONDS)) {
        inProcess.shutdownNow();
      }
      events.close();
      apiChannel.shutdownNow();
      if (routed != null) {
        routed.shutdownNow();
      }
      executor.shutdownNow();
      for (ServiceGroup g : groups) {
        closeQuietly(g);
      }
      store.close();
      for (StateLock l : locks) {
        l.close();
      }
      LOG.info("berthd stopped");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warning("releasing state lock: " + e.getMessage());
    } finally {
      stopped.countDown();
    }
  }

  /**
   * Configures logging, starts, and stops on SIGTERM/SIGINT. Those two signals are handled here
   * rather than by a shutdown hook: java.util.logging's own hook runs beside the others and
   * removes the log handler, so a hook's last lines (`berthd stopped`) were lost. The hook stays
   * for the other ways a JVM ends (SIGHUP).
   */
  static int run(DaemonConfig config, List<String> groups, boolean debug) {
    Logging.configure(debug);
    Berthd daemon;
    try {
      daemon = start(config, groups);
    } catch (IOException | RuntimeException e) {
      LOG.severe("berthd cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "berthd-shutdown"));
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(signal), s -> new Thread(daemon::close, "berthd-stop").start());
    }
    // the process's own heap: an in-process berthd (tests) leaves its host's heap alone
    try (HeapTrim trim = new HeapTrim()) {
      daemon.awaitStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
