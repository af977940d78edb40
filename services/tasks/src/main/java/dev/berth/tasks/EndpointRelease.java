package dev.berth.tasks;

import dev.berth.tasks.network.ContainerNetworking;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Gives back a task's network endpoint (its address, veth and published ports) as soon as its init
 * process ends, as Docker releases a stopped container's network: a stopped container holds no
 * address of a small network and no host port. The task itself stays until deleted; the
 * container's next task attaches again from the same labels (its static address and ports). The
 * exit may be one recorded while berthd was down: recovery reports it like any other.
 */
@Singleton
final class EndpointRelease implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EndpointRelease.class.getName());
  /** How long a Delete waits for the release under way, so that it never detaches the next task's endpoint. */
  private static final long AWAIT_SECONDS = 30;

  private final ContainerNetworking networking;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-endpoint-release");
    t.setDaemon(true);
    return t;
  });

  @Inject
  EndpointRelease(ContainerNetworking networking) {
    this.networking = networking;
  }

  /** Releases {@code t}'s endpoint once its init process has ended (at once if it has). */
  void follow(Task t) {
    if (Files.exists(networkFile(t))) {
      t.releasingEndpoint(t.init.exited().thenRunAsync(() -> release(t), threads));
    }
  }

  /** Waits for a release under way; the caller detaches whatever is still attached. */
  void await(Task t) {
    try {
      t.endpointReleased().get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      LOG.warning(t.who() + ": endpoint release failed: " + e.getCause());
    } catch (TimeoutException e) {
      LOG.warning(t.who() + ": endpoint release still under way after " + AWAIT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The network file goes with the attachment: a later Delete then has nothing to detach. */
  private void release(Task t) {
    try {
      networking.detach(t.namespace, t.id);
      Files.deleteIfExists(networkFile(t));
      LOG.fine(() -> t.who() + ": network endpoint released");
    } catch (StatusRuntimeException | IOException e) {
      // the file stays, so Delete detaches again
      LOG.warning(t.who() + ": cannot release its network endpoint after its exit: " + e.getMessage());
    }
  }

  private static Path networkFile(Task t) {
    return t.bundle.resolve(TaskLayout.NETWORK_FILE);
  }

  @Override
  public void close() {
    threads.shutdown();
  }
}
