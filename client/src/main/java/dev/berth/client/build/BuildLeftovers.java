package dev.berth.client.build;

import containerd.services.containers.v1.Container;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a build leaves when its berthctl dies without cleaning up (SIGKILL during a RUN): the RUN's
 * container, its task maybe still running, and the {@code berthctl-build/…:run} record it starts
 * from. Docker's daemon cancels a build whose client goes away; Berth builds in the client, so both
 * carry a label naming their builder process ({@code PID@START_MILLIS}) and are taken away once
 * that process is gone — by the next build, {@code container prune} and {@code image prune} — while
 * the leftovers of a build running beside them stay.
 */
public final class BuildLeftovers {
  /** The label naming the process that builds with the container or record. */
  public static final String BUILDER_LABEL = "berth.build.builder";
  /** Two readings of a process's start time, by different processes, may round differently. */
  private static final long START_TOLERANCE_MILLIS = 1000;

  private BuildLeftovers() {}

  /** The label's value for this process. */
  static Map<String, String> label() {
    ProcessHandle self = ProcessHandle.current();
    return Map.of(BUILDER_LABEL, self.pid() + self.info().startInstant().map(t -> "@" + t.toEpochMilli()).orElse(""));
  }

  /** Whether {@code labels} name a builder process that is gone: a build's leftover. */
  public static boolean abandoned(Map<String, String> labels) {
    String builder = labels.get(BUILDER_LABEL);
    if (builder == null) {
      return false;
    }
    String[] parts = builder.split("@", 2);
    Optional<ProcessHandle> process;
    try {
      process = ProcessHandle.of(Long.parseLong(parts[0]));
    } catch (NumberFormatException e) {
      return false;
    }
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    if (parts.length < 2) {
      return false;
    }
    // a process with the same id that started at another time took the dead builder's id
    Optional<Instant> started = process.get().info().startInstant();
    return started.isPresent()
        && Math.abs(started.get().toEpochMilli() - Long.parseLong(parts[1])) > START_TOLERANCE_MILLIS;
  }

  /**
   * Removes the leftovers of builds whose builder is gone in the channel's namespace: their
   * containers (killed first) and {@code :run} records. Returns the containers' ids.
   */
  public static List<String> remove(Channel channel) throws InterruptedException {
    ContainerTasks tasks = new ContainerTasks(channel);
    List<String> removed = new ArrayList<>();
    for (Container record : new ContainerClient(channel).list()) {
      if (abandoned(record.getLabelsMap())) {
        tasks.remove(ContainerState.of(channel, record), true, true);
        removed.add(record.getId());
      }
    }
    ImageClient images = new ImageClient(channel);
    for (Image i : images.list()) {
      if (abandoned(i.labels())) {
        removeIfPresent(images, i.name());
      }
    }
    return removed;
  }

  private static void removeIfPresent(ImageClient images, String name) {
    try {
      images.remove(name);
    } catch (StatusRuntimeException e) {
      // another client took it away meanwhile
      if (e.getStatus().getCode() != Code.NOT_FOUND) {
        throw e;
      }
    }
  }
}
