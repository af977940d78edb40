package dev.berth.ctl.container;

import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The loop of docker's commands on several containers ({@code stop}, {@code rm}, {@code kill} ...):
 * each name is resolved and acted on, then printed as given; a failure is one line on stderr,
 * printed once every name is done as docker's CLI does, the loop goes on, and the exit code is
 * docker's (1 if any failed). Unreachable berthd stops it.
 */
final class EachContainer {
  /** Containers acted on at once, as docker's CLI bounds its own parallel operations. */
  private static final int MAX_PARALLEL = 16;

  /** What is done to one container. */
  @FunctionalInterface
  interface Action {
    void apply(ContainerState container) throws Exception;
  }

  private EachContainer() {}

  static int printingNames(BerthCtl root, Connection c, List<String> names, Action action)
      throws InterruptedException {
    return root.eachReportingFailuresLast(names, ErrorHandler.FAILURE, name -> {
      apply(c, name, action);
      root.out().println(name);
    });
  }

  /**
   * As {@link #printingNames}, with the containers acted on at the same time, as docker stops,
   * kills and removes several: the waits for each to end overlap. Names (and then errors) are printed
   * in the order given.
   */
  static int printingNamesInParallel(BerthCtl root, Connection c, List<String> names, Action action)
      throws InterruptedException {
    if (names.size() < 2) {
      return printingNames(root, c, names, action);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(names.size(), MAX_PARALLEL), r -> {
      Thread t = new Thread(r, "berthctl-each");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> results = names.stream().<Future<?>>map(name -> pool.submit(() -> {
        apply(c, name, action);
        return null;
      })).toList();
      Iterator<Future<?>> next = results.iterator();
      return root.eachReportingFailuresLast(names, ErrorHandler.FAILURE, name -> {
        try {
          next.next().get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : new IllegalStateException(e.getCause());
        }
        root.out().println(name);
      });
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Resolves {@code name} and acts on it. A container removed meanwhile, or being removed (an
   * {@code rm -f} during a {@code restart}), fails whichever step found it gone, in words of runc
   * or of a store; Docker reports that as the container missing, and so does this. A start that fails an auto-remove
   * container is the exception: berthd removes it then, and the failure is what the user needs.
   */
  private static void apply(Connection c, String name, Action action) throws Exception {
    ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), name));
    try {
      action.apply(s);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (!ContainerConfig.of(s.record()).autoRemove() && goneOrGoing(c, s)) {
        throw NoSuchObjectException.container(name);
      }
      throw e;
    }
  }

  private static boolean goneOrGoing(Connection c, ContainerState s) {
    return c.containers().find(s.id())
        .map(r -> ContainerLabels.TRUE.equals(r.getLabelsMap().get(ContainerLabels.REMOVING)))
        .orElse(true);
  }
}
