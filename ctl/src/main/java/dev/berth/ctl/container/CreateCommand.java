package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.BerthException;
import dev.berth.client.ClientException;
import dev.berth.client.containers.ContainerCreator;
import dev.berth.client.containers.ContainerOptions;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.DockerExitCodes;
import dev.berth.ctl.ErrorHandler;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl create}: a container record, not started. */
@Command(name = "create",
    description = "Create a container from an image without starting it, and print its id. It takes the "
        + "flags of run; berthctl start runs it.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl create --name web -p 8080:80 busybox httpd -f -p 80 && berthctl start web",
        "  berthctl create -it --name shell busybox sh && berthctl start -ai shell"})
public final class CreateCommand implements Callable<Integer>, DockerExitCodes {
  @ParentCommand
  BerthCtl root;

  @Mixin
  CreateOptions options;

  @Override
  public Integer call() {
    options.pullPolicy();
    CidFile.check(options.cidFile);
    SpecWarmUp.start();
    try (Connection c = root.connect()) {
      ImagePulling.apply(root, c, options);
      ContainerOptions o = options.toOptions();
      Container record = new ContainerCreator(c.channel(), root.namespace(), root.io().env()).create(o);
      ContainerCreator.warnings(o).forEach(w -> root.err().println("WARNING: " + w));
      CidFile.write(options.cidFile, record.getId());
      root.out().println(record.getId());
    }
    return 0;
  }

  /**
   * As docker's create: 125 for what the flags say wrong, 1 when berthd or the image refuses
   * (a name in use, an image that cannot be had); run gives 125 for both.
   */
  @Override
  public int failureCode(Exception failure) {
    return failure instanceof StatusRuntimeException || failure instanceof BerthException
        || failure instanceof ClientException || failure instanceof DaemonError ? ErrorHandler.FAILURE : FAILURE;
  }
}
