package dev.berth.ctl.container;

import dev.berth.api.labels.RestartPolicy;
import dev.berth.client.containers.ContainerUpdate;
import dev.berth.client.spec.BlockIoFlags;
import dev.berth.client.spec.HostCpus;
import dev.berth.client.spec.ResourceFlags;
import dev.berth.client.spec.SwapLimit;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.flags.PflagTypes;
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

  @Option(names = {"-m", "--memory"}, converter = PflagTypes.MemBytes.class,
      paramLabel = "BYTES", description = "memory limit (512m, 1g)")
  String memory;

  @Option(names = "--memory-swap", converter = PflagTypes.MemSwapBytes.class,
      paramLabel = "BYTES", description = "memory plus swap, -1 for unlimited swap")
  String memorySwap;

  @Option(names = "--memory-reservation", converter = PflagTypes.MemBytes.class, paramLabel = "BYTES",
      description = "soft memory limit the kernel reclaims down to when memory is short (256m)")
  String memoryReservation;

  @Option(names = "--cpus", converter = PflagTypes.NanoCpus.class,
      paramLabel = "N", description = "number of CPUs (1.5)")
  String cpus;

  @Option(names = "--cpu-quota", converter = PflagTypes.Int64Text.class,
      paramLabel = "MICROSECONDS", description = "CPU time per CFS period, like 50000 (-1: none)")
  String cpuQuota;

  @Option(names = "--cpu-period", converter = PflagTypes.Int64Text.class,
      paramLabel = "MICROSECONDS", description = "the CFS period, 1000 to 1000000")
  String cpuPeriod;

  @Option(names = "--cpuset-mems", paramLabel = "LIST", description = "memory nodes the container may use, like 0-1")
  String cpusetMems;

  @Option(names = "--blkio-weight", converter = PflagTypes.Uint16Text.class,
      paramLabel = "N", description = "relative block I/O weight, 10 to 1000; dropped "
      + "with Docker's warning where the host's I/O scheduler has no weights")
  String blkioWeight;

  @Option(names = "--cpu-rt-period", converter = PflagTypes.Int64Text.class,
      paramLabel = "MICROSECONDS", description = "refused: Berth gives no real-time CPU time")
  String cpuRtPeriod;

  @Option(names = "--cpu-rt-runtime", converter = PflagTypes.Int64Text.class,
      paramLabel = "MICROSECONDS", description = "refused: Berth gives no real-time CPU time")
  String cpuRtRuntime;

  @Option(names = "--kernel-memory", converter = PflagTypes.MemBytes.class,
      paramLabel = "BYTES", description = "deprecated and ignored, as in Docker")
  String kernelMemory;

  @Option(names = {"-c", "--cpu-shares"}, converter = PflagTypes.Int64Text.class,
      paramLabel = "N", description = "relative CPU weight (2 to 262144)")
  String cpuShares;

  @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs the container may run on, like 0-2,4")
  String cpusetCpus;

  @Option(names = "--pids-limit", converter = PflagTypes.Int64Text.class,
      paramLabel = "N", description = "most processes at once (-1: no limit)")
  String pidsLimit;

  @Option(names = "--restart", paramLabel = "POLICY", description = "no, always, on-failure[:N] or unless-stopped")
  String restart;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws Exception {
    refuseWhatBerthCannotSet();
    Integer weight = blkioWeight == null ? null : Integer.valueOf(blkioWeight);
    // as Docker's daemon: a weight the host cannot set is dropped with a warning before its range is checked
    boolean weightDropped = weight != null && weight > 0 && !BlockIoFlags.Limit.WEIGHT.supported();
    if (weight != null && !weightDropped) {
      BlockIoFlags.requireWeightRange(weight);
    }
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
        cpusetMems == null ? null : HostCpus.cpusetMems(cpusetMems),
        pidsLimit == null ? null : ResourceFlags.pidsLimit(pidsLimit),
        weight == null || weight == 0 || weightDropped ? null : weight,
        restart == null ? null : restartPolicy());
    if (changes.memory() != null
        && SwapLimit.dropped(changes.memory(), changes.memorySwap(), SwapLimit.hostAccountsSwap())) {
      root.err().println("WARNING: " + SwapLimit.UNSUPPORTED);
    }
    try (Connection c = root.connect()) {
      ContainerUpdate update = ContainerUpdate.docker(c.channel());
      // as Docker's daemon: a weight it drops leaves an update that changes nothing, and is no error
      int exit = EachContainer.printingNames(root, c, containers,
          s -> {
            if (changes.any() || !weightDropped) {
              update.apply(s, changes);
            }
          });
      if (weightDropped) {
        // Docker's CLI prints its daemon's warnings after the names, on standard output
        root.out().println(BlockIoFlags.Limit.WEIGHT.warning());
      }
      return exit;
    }
  }

  /**
   * Docker's flags for what berthd cannot change: real-time CPU time, which needs a budget on every
   * cgroup above the container's that berthd does not hand out.
   */
  private void refuseWhatBerthCannotSet() {
    if (cpuRtPeriod != null || cpuRtRuntime != null) {
      throw new CommandFailure("--cpu-rt-period and --cpu-rt-runtime are not supported: berthd gives containers "
          + "no real-time CPU time");
    }
  }

  /** {@code --restart}: what Docker's daemon would refuse is refused in its words, after its heading. */
  private RestartPolicy restartPolicy() {
    try {
      return RestartPolicy.parse(restart);
    } catch (RestartPolicy.Invalid e) {
      throw new DaemonError(e.getMessage(), e);
    }
  }
}
