package dev.berth.client.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.UpdateTaskRequest;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.RestartPolicy;
import dev.berth.client.spec.SpecJson;
import dev.berth.client.spec.ResourceFlags;
import dev.berth.client.spec.SwapLimit;
import io.grpc.Channel;
import java.math.BigDecimal;
import java.util.Map;

/**
 * {@code docker update}: new resource limits and restart policy for a container. A running (or
 * paused) container's task gets the limits at once (Tasks.Update: the runtime rewrites its
 * cgroup); the container's spec keeps them, and its label the policy, so that every later start
 * has them too. Limits the task refuses change nothing.
 */
public final class ContainerUpdate {
  /** containerd's type for a Tasks.Update's resources: the runtime spec's LinuxResources as JSON. */
  static final String RESOURCES_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to change; null leaves a value as it is. {@code unified}: cgroup v2 files to write (the
   * CRI's), each added to those the container has; runc refuses them on a cgroup v1 host.
   */
  public record Changes(Long memory, Long memorySwap, Long memoryReservation, ResourceFlags.CpuQuota cpus,
      Long cpuQuota, Long cpuPeriod, Long cpuShares, String cpusetCpus, String cpusetMems, Long pidsLimit,
      Integer blkioWeight, Map<String, String> unified, RestartPolicy restart) {
    /** Docker's: without cgroup v2 files, which only the CRI sets. */
    public Changes(Long memory, Long memorySwap, Long memoryReservation, ResourceFlags.CpuQuota cpus, Long cpuQuota,
        Long cpuPeriod, Long cpuShares, String cpusetCpus, String cpusetMems, Long pidsLimit, Integer blkioWeight,
        RestartPolicy restart) {
      this(memory, memorySwap, memoryReservation, cpus, cpuQuota, cpuPeriod, cpuShares, cpusetCpus, cpusetMems,
          pidsLimit, blkioWeight, null, restart);
    }

    /** Without a block I/O weight, which only Docker's update sets. */
    public Changes(Long memory, Long memorySwap, Long memoryReservation, ResourceFlags.CpuQuota cpus, Long cpuQuota,
        Long cpuPeriod, Long cpuShares, String cpusetCpus, String cpusetMems, Long pidsLimit, RestartPolicy restart) {
      this(memory, memorySwap, memoryReservation, cpus, cpuQuota, cpuPeriod, cpuShares, cpusetCpus, cpusetMems,
          pidsLimit, null, null, restart);
    }

    boolean resources() {
      return memory != null || memorySwap != null || memoryReservation != null || cpus != null || cpuQuota != null
          || cpuPeriod != null || cpuShares != null || cpusetCpus != null || cpusetMems != null || pidsLimit != null
          || blkioWeight != null || unified != null && !unified.isEmpty();
    }

    /** Whether anything changes at all. */
    public boolean any() {
      return resources() || restart != null;
    }
  }

  private final ContainersGrpc.ContainersBlockingStub containers;
  private final TasksGrpc.TasksBlockingStub tasks;
  private final ContainerActionEvents events;
  /** Docker's swap rules ({@link #swapAfter}); without them the limits are set as given (the CRI's). */
  private final boolean dockerSwap;
  /** Whether the host limits swap: where it does not, Docker's rules leave swap limits out. */
  private final boolean swapAccounted;

  /** Sets the limits as given. */
  public ContainerUpdate(Channel channel) {
    this(channel, false, true);
  }

  ContainerUpdate(Channel channel, boolean dockerSwap, boolean swapAccounted) {
    this.containers = ContainersGrpc.newBlockingStub(channel);
    this.tasks = TasksGrpc.newBlockingStub(channel);
    this.events = new ContainerActionEvents(channel);
    this.dockerSwap = dockerSwap;
    this.swapAccounted = swapAccounted;
  }

  /** {@code docker update}'s: swap limits follow Docker's rules on this host. */
  public static ContainerUpdate docker(Channel channel) {
    return new ContainerUpdate(channel, true, SwapLimit.hostAccountsSwap());
  }

  /** Applies {@code c} to the container; InvalidValueException names a value that does not fit. */
  public void apply(ContainerState s, Changes c) {
    if (!c.any()) {
      throw new InvalidValueException("you must provide one or more flags when using this command");
    }
    if ((c.cpuQuota() != null || c.cpuPeriod() != null)
        && (c.cpus() != null || ContainerConfig.of(s.record()).hostConfig().path("NanoCpus").asLong(0) > 0)) {
      throw new InvalidValueException("Conflicting options: CPU Quota and Period cannot be updated as NanoCPUs "
          + "(--cpus) is set; update --cpus instead");
    }
    boolean restarts = c.restart() != null && c.restart().mode() != RestartPolicy.Mode.NO;
    if (restarts && ContainerConfig.of(s.record()).autoRemove()) {
      throw new InvalidValueException(
          "Restart policy cannot be updated because AutoRemove is enabled for the container");
    }
    ObjectNode spec = SpecJson.tree(s.record());
    ObjectNode changed = JSON.createObjectNode();
    if (c.resources()) {
      ObjectNode resources = spec.withObject("/linux/resources");
      merge(resources, c, changed);
      if (s.running()) {
        tasks.update(UpdateTaskRequest.newBuilder().setContainerId(s.id()).setResources(Any.newBuilder()
            .setTypeUrl(RESOURCES_TYPE_URL).setValue(ByteString.copyFrom(SpecJson.bytes(changed)))).build());
      }
    }
    Container.Builder record = Container.newBuilder().setId(s.id());
    FieldMask.Builder mask = FieldMask.newBuilder();
    if (c.resources()) {
      record.setSpec(s.record().getSpec().toBuilder().setValue(ByteString.copyFrom(SpecJson.bytes(spec))));
      mask.addPaths("spec");
    }
    if (c.restart() != null) {
      record.putLabels(ContainerLabels.RESTART_POLICY, c.restart().toString());
      mask.addPaths("labels." + ContainerLabels.RESTART_POLICY);
    }
    ContainerConfig config = ContainerConfig.of(s.record());
    if (s.record().getExtensionsMap().containsKey(ContainerConfig.EXTENSION)) {
      describe(config.hostConfig(), c, spec.withObject("/linux/resources"));
      record.putExtensions(ContainerConfig.EXTENSION, config.toAny());
      mask.addPaths("extensions." + ContainerConfig.EXTENSION);
    }
    containers.update(UpdateContainerRequest.newBuilder().setContainer(record).setUpdateMask(mask).build());
    events.resourcesUpdated(s.id());
  }

  /**
   * Sets the changed limits in the spec's resources and in {@code changed} (what the running task
   * is given). Memory plus swap must stay at least the memory limit, as Docker checks.
   */
  private void merge(ObjectNode resources, Changes c, ObjectNode changed) {
    if (c.memory() != null || c.memorySwap() != null || c.memoryReservation() != null) {
      ObjectNode memory = resources.withObject("/memory");
      long limit = c.memory() != null ? c.memory() : memory.path("limit").asLong(0);
      Long newSwap = swapAfter(c, memory);
      long swap = newSwap != null ? newSwap : memory.path("swap").asLong(0);
      long reservation = c.memoryReservation() != null ? c.memoryReservation() : memory.path("reservation").asLong(0);
      if (limit > 0 && reservation > limit) {
        throw new InvalidValueException("Minimum memory limit can not be less than memory reservation limit, see usage");
      }
      if (c.memorySwap() != null && c.memorySwap() != -1 && limit == 0) {
        throw new InvalidValueException("a memory-swap limit needs a memory limit");
      }
      if (swap > 0 && swap < limit) {
        throw new InvalidValueException(c.memorySwap() == null
            ? "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time"
            : "Minimum memoryswap limit should be larger than memory limit, see usage");
      }
      ObjectNode task = changed.putObject("memory");
      if (c.memory() != null) {
        memory.put("limit", limit);
        task.put("limit", limit);
      }
      if (newSwap != null) {
        memory.put("swap", swap);
        task.put("swap", swap);
      }
      if (c.memoryReservation() != null) {
        memory.put("reservation", reservation);
        task.put("reservation", reservation);
      }
    }
    if (c.cpus() != null || c.cpuQuota() != null || c.cpuPeriod() != null || c.cpuShares() != null
        || c.cpusetCpus() != null || c.cpusetMems() != null) {
      ObjectNode cpu = resources.withObject("/cpu");
      ObjectNode task = changed.putObject("cpu");
      if (c.cpus() != null) {
        cpu.put("quota", c.cpus().quota()).put("period", c.cpus().period());
        task.put("quota", c.cpus().quota()).put("period", c.cpus().period());
      }
      if (c.cpuQuota() != null) {
        cpu.put("quota", c.cpuQuota());
        task.put("quota", c.cpuQuota());
      }
      if (c.cpuPeriod() != null) {
        cpu.put("period", c.cpuPeriod());
        task.put("period", c.cpuPeriod());
      }
      if (c.cpusetMems() != null) {
        cpu.put("mems", c.cpusetMems());
        task.put("mems", c.cpusetMems());
      }
      if (c.cpuShares() != null) {
        cpu.put("shares", c.cpuShares());
        task.put("shares", c.cpuShares());
      }
      if (c.cpusetCpus() != null) {
        cpu.put("cpus", c.cpusetCpus());
        task.put("cpus", c.cpusetCpus());
      }
    }
    if (c.pidsLimit() != null) {
      resources.withObject("/pids").put("limit", c.pidsLimit());
      changed.putObject("pids").put("limit", c.pidsLimit());
    }
    if (c.unified() != null && !c.unified().isEmpty()) {
      ObjectNode files = resources.withObject("/unified");
      ObjectNode task = changed.putObject("unified");
      c.unified().forEach((file, value) -> {
        files.put(file, value);
        task.put(file, value);
      });
    }
    if (c.blkioWeight() != null) {
      // runc writes blkio.weight on cgroup v1, io.weight (or io.bfq.weight) on v2
      resources.withObject("/blockIO").put("weight", c.blkioWeight());
      changed.putObject("blockIO").put("weight", c.blkioWeight());
    }
  }

  /**
   * The memory plus swap an update sets; null leaves it. With Docker's rules {@code --memory}
   * alone sets it to twice the new limit, as {@code run} does, where the container has none yet;
   * one it has stays, and memory above it is refused, as Docker's update does. Where the host
   * counts no swap, none. Without them, what was given.
   */
  private Long swapAfter(Changes c, ObjectNode memory) {
    if (!dockerSwap) {
      return c.memorySwap();
    }
    if (!swapAccounted) {
      return null;
    }
    if (c.memorySwap() != null || c.memory() == null) {
      return c.memorySwap();
    }
    return memory.path("swap").asLong(0) == 0 ? Long.valueOf(2 * c.memory()) : null;
  }

  /** What inspect shows, in Docker's HostConfig fields. */
  private void describe(ObjectNode h, Changes c, ObjectNode resources) {
    if (c.memory() != null) {
      h.put("Memory", c.memory());
    }
    if (c.memory() != null || c.memorySwap() != null) {
      h.put("MemorySwap", dockerSwap && !swapAccounted ? -1 : resources.path("memory").path("swap").asLong(0));
    }
    if (c.memoryReservation() != null) {
      h.put("MemoryReservation", c.memoryReservation());
    }
    if (c.cpus() != null) {
      h.put("NanoCpus", BigDecimal.valueOf(c.cpus().quota()).movePointRight(9)
          .divide(BigDecimal.valueOf(c.cpus().period())).longValue());
    }
    if (c.cpuQuota() != null) {
      h.put("CpuQuota", c.cpuQuota());
    }
    if (c.cpuPeriod() != null) {
      h.put("CpuPeriod", c.cpuPeriod());
    }
    if (c.cpuShares() != null) {
      h.put("CpuShares", c.cpuShares());
    }
    if (c.cpusetMems() != null) {
      h.put("CpusetMems", c.cpusetMems());
    }
    if (c.cpusetCpus() != null) {
      h.put("CpusetCpus", c.cpusetCpus());
    }
    if (c.pidsLimit() != null) {
      h.put("PidsLimit", c.pidsLimit());
    }
    if (c.blkioWeight() != null) {
      h.put("BlkioWeight", c.blkioWeight());
    }
    if (c.restart() != null) {
      h.putObject("RestartPolicy").put("Name", c.restart().mode().text()).put("MaximumRetryCount", c.restart().maxRetries());
    }
  }
}
