package dev.berth.ctl.container;

import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import dev.berth.client.containers.ContainerState;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl wait}: block until containers stop; print their exit codes. */
@Command(name = "wait",
    description = "Wait until containers are no longer running and print each one's exit code (0 for a "
        + "container that never ran).",
    footerHeading = "%nExamples:%n", footer = {"  berthctl wait job", "  code=$(berthctl wait job)"})
public final class WaitCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws InterruptedException {
    try (Connection c = root.connect()) {
      return root.eachReportingFailuresLast(containers, ErrorHandler.FAILURE, name -> {
        ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), name));
        int code = s.task().isEmpty() ? 0 : TasksGrpc.newBlockingStub(c.channel())
            .wait(WaitRequest.newBuilder().setContainerId(s.id()).build()).getExitStatus();
        root.out().println(code);
      });
    }
  }
}
