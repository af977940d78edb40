package dev.berth.ctl.container;

import dev.berth.api.labels.RestartPolicy;
import dev.berth.client.containers.ContainerUpdate;
import dev.berth.client.spec.HostCpus;
import dev.berth.client.spec.ResourceFlags;
import dev.berth.client.spec.SwapLimit;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl update}: new limits and restart policy for containers, live for running ones. */
@Command(name = "update",
    description = "Change the resource limits or restart policy of containers. A running container gets the "
        + "limits at once; every later start keeps them.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl update --cpus 0.5 --memory 256m web", "  berthctl update --pids-limit 100 web worker",
        "  berthctl update --cpuset-cpus 0 web",
        "  berthctl update --restart unless-stopped web"})
public final class UpdateCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", description = "memory limit (512m, 1g)")
  String memory;

  @Option(names = "--memory-swap", paramLabel = "BYTES", description = "memory plus swap, -1 for unlimited swap")
  String memorySwap;

  @Option(names = "--memory-reservation", paramLabel = "BYTES",
      description = "soft memory limit the kernel reclaims down to when memory is short (256m)")
  String memoryReservation;

  @Option(names = "--cpus", paramLabel = "N", description = "number of CPUs (1.5)")
  String cpus;

  @Option(names = "--cpu-quota", paramLabel = "MICROSECONDS", description = "CPU time per CFS period, like 50000 (-1: none)")
  String cpuQuota;

  @Option(names = "--cpu-period", paramLabel = "MICROSECONDS", description = "the CFS period, 1000 to 1000000")
  String cpuPeriod;

  @Option(names = "--cpuset-mems", paramLabel = "LIST", description = "memory nodes the container may use, like 0-1")
  String cpusetMems;

  @Option(names = "--blkio-weight", paramLabel = "N", description = "refused: Berth sets no block I/O weight")
  String blkioWeight;

  @Option(names = "--cpu-rt-period", paramLabel = "MICROSECONDS", description = "refused: Berth gives no real-time CPU time")
  String cpuRtPeriod;

  @Option(names = "--cpu-rt-runtime", paramLabel = "MICROSECONDS", description = "refused: Berth gives no real-time CPU time")
  String cpuRtRuntime;

  @Option(names = "--kernel-memory", paramLabel = "BYTES", description = "deprecated and ignored, as in Docker")
  String kernelMemory;

  @Option(names = {"-c", "--cpu-shares"}, paramLabel = "N", description = "relative CPU weight (2 to 262144)")
  String cpuShares;

  @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs the container may run on, like 0-2,4")
  String cpusetCpus;

  @Option(names = "--pids-limit", paramLabel = "N", description = "most processes at once (-1: no limit)")
  String pidsLimit;

  @Option(names = "--restart", paramLabel = "POLICY", description = "no, always, on-failure[:N] or unless-stopped")
  String restart;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws Exception {
    refuseWhatBerthCannotSet();
    if (kernelMemory != null) {
      root.err().println("WARNING: --kernel-memory is deprecated and ignored, as in Docker: recent kernels set no "
          + "kernel memory limit of its own");
    }
    ContainerUpdate.Changes changes = new ContainerUpdate.Changes(
        memory == null ? null : ResourceFlags.memory(memory),
        memorySwap == null ? null : ResourceFlags.memorySwap(memorySwap),
        memoryReservation == null ? null : ResourceFlags.bytes("memory reservation", memoryReservation),
        cpus == null ? null : HostCpus.cpus(cpus),
        cpuQuota == null ? null : ResourceFlags.cpuQuota(cpuQuota),
        cpuPeriod == null ? null : ResourceFlags.cpuPeriod(cpuPeriod),
        cpuShares == null ? null : ResourceFlags.cpuShares(cpuShares),
        cpusetCpus == null ? null : HostCpus.cpuset(cpusetCpus),
        cpusetMems == null ? null : ResourceFlags.cpuset(cpusetMems),
        pidsLimit == null ? null : ResourceFlags.pidsLimit(pidsLimit),
        restart == null ? null : RestartPolicy.parse(restart));
    if (changes.memory() != null
        && SwapLimit.dropped(changes.memory(), changes.memorySwap(), SwapLimit.hostAccountsSwap())) {
      root.err().println("WARNING: " + SwapLimit.UNSUPPORTED);
    }
    try (Connection c = root.connect()) {
      ContainerUpdate update = ContainerUpdate.docker(c.channel());
      return EachContainer.printingNames(root, c, containers, s -> update.apply(s, changes));
    }
  }

  /**
   * Docker's flags for what berthd cannot change: block I/O weights need the CFQ or BFQ scheduler's
   * weight files, which cgroup v1 hosts with multi-queue schedulers lack, and real-time CPU time
   * needs a budget on every cgroup above the container's, which berthd does not hand out.
   */
  private void refuseWhatBerthCannotSet() {
    if (blkioWeight != null) {
      throw new CommandFailure("--blkio-weight is not supported: Berth sets no block I/O weight "
          + "(run and create do not take it either)");
    }
    if (cpuRtPeriod != null || cpuRtRuntime != null) {
      throw new CommandFailure("--cpu-rt-period and --cpu-rt-runtime are not supported: berthd gives containers "
          + "no real-time CPU time");
    }
  }
}
