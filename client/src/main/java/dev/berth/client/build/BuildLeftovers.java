package dev.berth.client.build;

import containerd.services.containers.v1.Container;
import containerd.services.leases.v1.Lease;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListRequest;
import dev.berth.api.labels.GcLabels;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a build leaves when its berthctl dies without cleaning up (SIGKILL during a RUN): the RUN's
 * container, its task maybe still running, and the {@code berthctl-build/…:run} record it starts
 * from. Docker's daemon cancels a build whose client goes away; Berth builds in the client, so both
 * carry the build's id, which the build's renewing lease carries too, and are taken away — by the
 * next build, {@code container prune} and {@code image prune} — once that lease has expired (within
 * {@link ImageBuilder#LEASE_EXPIRY} of the builder's death), or at once where the builder's
 * process can be seen to be gone: by a berthctl in the builder's own PID namespace, on the same
 * boot of the same machine. A build running beside them, wherever its berthctl runs, keeps its own.
 */
public final class BuildLeftovers {
  /** The build's id, on its leases, its RUN containers and its {@code :run} record. */
  public static final String BUILD_LABEL = "berth.build.id";
  /** The builder process: {@code PID@START_MILLIS@PID_NAMESPACE@BOOT_ID}. */
  public static final String BUILDER_LABEL = "berth.build.builder";
  /** Two readings of a process's start time, by different processes, may round differently. */
  private static final long START_TOLERANCE_MILLIS = 1000;

  private final Set<String> liveBuilds;
  private final String here;

  BuildLeftovers(Set<String> liveBuilds, String here) {
    this.liveBuilds = liveBuilds;
    this.here = here;
  }

  /**
   * The builds under way in the channel's namespace, as their leases tell: read after the
   * containers and images it is to judge, since a build makes its lease before them.
   */
  public static BuildLeftovers in(Channel channel) {
    Set<String> live = new HashSet<>();
    Instant now = Instant.now();
    for (Lease lease : LeasesGrpc.newBlockingStub(channel).list(ListRequest.getDefaultInstance()).getLeasesList()) {
      String build = lease.getLabelsMap().get(BUILD_LABEL);
      if (build != null && !expired(lease.getLabelsMap().get(GcLabels.EXPIRE), now)) {
        live.add(build);
      }
    }
    return new BuildLeftovers(live, pidNamespaceHere());
  }

  private static boolean expired(String expiry, Instant now) {
    try {
      return expiry != null && Instant.parse(expiry).isBefore(now);
    } catch (DateTimeParseException e) {
      // the garbage collector, which reads it too, keeps a lease whose expiry it cannot read
      return false;
    }
  }

  /** A new build's id. */
  static String newBuildId() {
    return UUID.randomUUID().toString();
  }

  /** The labels of what build {@code buildId} makes: its id and this process as its builder. */
  static Map<String, String> labels(String buildId) {
    ProcessHandle self = ProcessHandle.current();
    long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return Map.of(BUILD_LABEL, buildId, BUILDER_LABEL, self.pid() + "@" + started + "@" + pidNamespaceHere());
  }

  /** Whether {@code labels} are a build's whose lease is gone or whose builder is seen gone. */
  public boolean abandoned(Map<String, String> labels) {
    String build = labels.get(BUILD_LABEL);
    if (build == null) {
      return false;
    }
    return !liveBuilds.contains(build) || builderGone(labels.get(BUILDER_LABEL));
  }

  /** Whether the builder {@code value} names is a process of this PID namespace that is gone. */
  private boolean builderGone(String value) {
    String[] parts = value == null ? new String[0] : value.split("@", 3);
    if (parts.length < 3 || here.isEmpty() || !parts[2].equals(here)) {
      return false;
    }
    long pid;
    long started;
    try {
      pid = Long.parseLong(parts[0]);
      started = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return false;
    }
    if (pid <= 0) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    // a process with the same id that started at another time took the dead builder's id
    Optional<Instant> start = process.get().info().startInstant();
    return start.isPresent() && Math.abs(start.get().toEpochMilli() - started) > START_TOLERANCE_MILLIS;
  }

  /**
   * This process's PID namespace on this boot of this machine ({@code pid:[INODE]@BOOT_ID}), where
   * a PID means the same process; empty if either cannot be read.
   */
  private static String pidNamespaceHere() {
    try {
      String namespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
      String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
      return namespace + "@" + boot;
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  /**
   * Removes the leftovers of builds gone in the channel's namespace: their containers (killed
   * first) and {@code :run} records. Returns the containers' ids.
   */
  public static List<String> remove(Channel channel) throws InterruptedException {
    // the leases read after what they judge: a build is made after its lease, so one started
    // meanwhile is judged by a lease read after its things, never found without one
    List<Container> containers = new ContainerClient(channel).list();
    ImageClient images = new ImageClient(channel);
    List<Image> records = images.list();
    BuildLeftovers leftovers = in(channel);
    ContainerTasks tasks = new ContainerTasks(channel);
    List<String> removed = new ArrayList<>();
    for (Container record : containers) {
      if (leftovers.abandoned(record.getLabelsMap()) && removedHere(() -> tasks.remove(
          ContainerState.of(channel, record), true, true))) {
        removed.add(record.getId());
      }
    }
    for (Image i : records) {
      if (leftovers.abandoned(i.labels())) {
        removedHere(() -> images.remove(i.name()));
      }
    }
    return removed;
  }

  /** A removal, which another client (a prune, another build) may have made first. */
  private interface Removal {
    void run() throws InterruptedException;
  }

  /** Runs {@code removal}; false if what it removes was gone already. */
  private static boolean removedHere(Removal removal) throws InterruptedException {
    try {
      removal.run();
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Code.NOT_FOUND) {
        throw e;
      }
      return false;
    }
  }
}
