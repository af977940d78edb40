package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerState;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DockerExitCodes;
import java.util.List;

/**
 * The loop of docker's commands on several containers ({@code stop}, {@code rm}, {@code kill} ...):
 * each name is resolved and acted on, then printed as given; a failure is one line on stderr and
 * the loop goes on, and the exit code is docker's (1 if any failed). Unreachable berthd stops it.
 */
final class EachContainer {
  /** What is done to one container. */
  @FunctionalInterface
  interface Action {
    void apply(ContainerState container) throws Exception;
  }

  private EachContainer() {}

  static int printingNames(BerthCtl root, Connection c, List<String> names, Action action)
      throws InterruptedException {
    return root.each(names, DockerExitCodes.FAILURE, name -> {
      action.apply(ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), name)));
      root.out().println(name);
    });
  }
}
