package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.tasks.runtime.RuntimeBinary;
import dev.berth.linux.MountSpec;
import dev.berth.linux.Mounts;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The donor's process told from another that took its PID before berthd learned of the donor's
 * end, on real processes: a {@code sleep} in PID and IPC namespaces of its own (made by unshare,
 * as root) stands for the donor's init.
 */
class JoinedNamespaceKernelTest {
  private static final Map<String, Path> DONORS = Map.of("pids", Path.of("/sys/fs/cgroup/pids/default/donor"));
  private static final Map<String, Path> ANOTHERS = Map.of("pids", Path.of("/sys/fs/cgroup/pids/default/another"));

  @TempDir
  Path tmp;
  private Process unshare;
  private int pid;
  private final AtomicReference<Map<String, Path>> cgroupsOfPid = new AtomicReference<>(DONORS);

  @BeforeEach
  void startDonor() throws Exception {
    unshare = new ProcessBuilder("unshare", "--pid", "--ipc", "--fork", "sleep", "60").start();
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); pid == 0 && System.nanoTime() < end; Thread.sleep(20)) {
      pid = unshare.toHandle().children().findFirst().map(h -> (int) h.pid()).orElse(0);
    }
  }

  @AfterEach
  void stopDonor() throws Exception {
    unshare.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    unshare.destroyForcibly().waitFor();
  }

  @Test
  void aProcessOutsideTheDonorsCgroupsIsRefusedAtTheLookUp() {
    JoinedNamespace.of(guest(), id -> Optional.of(donor()), id -> null, this::cgroupsOf);
    cgroupsOfPid.set(ANOTHERS);
    assertNotRunning(() -> JoinedNamespace.of(guest(), id -> Optional.of(donor()), id -> null, this::cgroupsOf));
  }

  @Test
  void aProcessThatLeftTheDonorsCgroupsAfterTheLookUpIsRefusedAtTheVerify() {
    JoinedNamespace joined = JoinedNamespace.of(guest(), id -> Optional.of(donor()), id -> null, this::cgroupsOf).get(0);
    joined.verify(pid);
    cgroupsOfPid.set(ANOTHERS);
    assertNotRunning(() -> joined.verify(pid));
  }

  @Test
  void aDonorWithoutCgroupsOfItsOwnIsRefused() {
    Task donor = new Task("default", "donor", tmp, runc(), new LinkedHashMap<>(), init());
    BerthException e = assertThrows(BerthException.class,
        () -> JoinedNamespace.of(guest(), id -> Optional.of(donor), id -> null, this::cgroupsOf));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
  }

  @Test
  void anIpcDonorNotMadeShareableIsRefusedAsDockers() {
    Container guest = Container.newBuilder().setId("guest")
        .putLabels(ContainerLabels.IPC, ContainerLabels.JOINED_CONTAINER_PREFIX + "donor").build();
    BerthException e = assertThrows(BerthException.class,
        () -> JoinedNamespace.of(guest, id -> Optional.of(donor()), id -> null, this::cgroupsOf));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertEquals("failed to join IPC namespace: container donor: non-shareable IPC"
        + " (hint: use IpcMode:shareable for the donor container)", e.getMessage());
  }

  @Test
  void aContainerThatJoinedAShareableDonorCanBeJoinedInTurnAsDockers() throws Exception {
    Path donorShm = Files.createDirectory(tmp.resolve("shm"));
    Path guestBundle = Files.createDirectory(tmp.resolve("guest"));
    Mounts.mount(new MountSpec("tmpfs", "shm", List.of("size=64k")), donorShm);
    try {
      Files.writeString(donorShm.resolve("from-donor"), "shared");
      JoinedNamespace.of(ipcGuest("donor"), id -> Optional.of(donor()), id -> null, this::cgroupsOf).get(0)
          .keepShmIn(guestBundle);
      // the guest stands for a donor in its turn: its task runs in the donor's namespace
      Task guest = new Task("default", "guest", guestBundle, runc(), new LinkedHashMap<>(DONORS), init());
      JoinedNamespace.of(ipcGuest("guest"), id -> Optional.of(guest), id -> null, this::cgroupsOf);
      RootfsMounts.unmountAll(donorShm, Runnable::run);
      assertEquals("shared", Files.readString(guestBundle.resolve("shm/from-donor")),
          "the guest keeps the donor's /dev/shm for those joining it after the donor went");
    } finally {
      RootfsMounts.unmountAll(guestBundle.resolve("shm"), Runnable::run);
      RootfsMounts.unmountAll(donorShm, Runnable::run);
    }
  }

  @Test
  void aProcessNamedByItsPidAndStartTimeIsJoinedOnlyWhileThatProcessHoldsThePid() throws Exception {
    long startTime = JoinedNamespace.ProcessIdentity.of(pid).startTime();
    JoinedNamespace joined = JoinedNamespace.of(processGuest(pid + ":" + startTime), id -> Optional.empty(),
        id -> null, this::cgroupsOf).get(0);
    joined.verify(pid);
    // a process that took the PID after the named one ended started later
    BerthException other = assertThrows(BerthException.class, () -> JoinedNamespace.of(
        processGuest(pid + ":" + (startTime + 1)), id -> Optional.empty(), id -> null, this::cgroupsOf));
    assertEquals(Status.Code.FAILED_PRECONDITION, other.code());
    assertEquals("failed to join PID namespace: process " + pid + " (started " + (startTime + 1)
        + " clock ticks after boot) is not running", other.getMessage());

    // ended between the look-up and the runtime's create: the created task is refused
    unshare.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    unshare.destroyForcibly().waitFor();
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Files.exists(Path.of("/proc", Integer.toString(pid))) && System.nanoTime() < end; Thread.sleep(20)) {
      // until reaped: a zombie keeps its PID, which no other process can take meanwhile
    }
    BerthException gone = assertThrows(BerthException.class, () -> joined.verify(pid));
    assertEquals(Status.Code.FAILED_PRECONDITION, gone.code());
    assertThrows(BerthException.class, () -> JoinedNamespace.of(processGuest(pid + ":" + startTime),
        id -> Optional.empty(), id -> null, this::cgroupsOf));
  }

  @Test
  void aProcessInTheHostsPidNamespaceOrAMalformedOneIsRefused() throws Exception {
    int self = (int) ProcessHandle.current().pid();
    BerthException host = assertThrows(BerthException.class, () -> JoinedNamespace.of(
        processGuest(self + ":" + JoinedNamespace.ProcessIdentity.of(self).startTime()), id -> Optional.empty(),
        id -> null, this::cgroupsOf));
    assertEquals(Status.Code.FAILED_PRECONDITION, host.code());
    for (String malformed : List.of("", "12", "x:1", "12:1:2", "-3:1")) {
      BerthException e = assertThrows(BerthException.class, () -> JoinedNamespace.of(processGuest(malformed),
          id -> Optional.empty(), id -> null, this::cgroupsOf), malformed);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), malformed);
    }
    Container ipc = Container.newBuilder().setId("guest").putLabels(ContainerLabels.IPC,
        ContainerLabels.JOINED_PROCESS_PREFIX + pid + ":" + JoinedNamespace.ProcessIdentity.of(pid).startTime()).build();
    BerthException e = assertThrows(BerthException.class,
        () -> JoinedNamespace.of(ipc, id -> Optional.empty(), id -> null, this::cgroupsOf));
    assertEquals("invalid IPC mode: " + ipc.getLabelsMap().get(ContainerLabels.IPC) + " (label io.berth.ipc takes"
        + " shareable or container:<id>)", e.getMessage(), "a process has no /dev/shm to share");
  }

  private static Container processGuest(String identity) {
    return Container.newBuilder().setId("guest")
        .putLabels(ContainerLabels.PID, ContainerLabels.JOINED_PROCESS_PREFIX + identity).build();
  }

  private static Container ipcGuest(String donorId) {
    return Container.newBuilder().setId("guest-of-" + donorId)
        .putLabels(ContainerLabels.IPC, ContainerLabels.JOINED_CONTAINER_PREFIX + donorId).build();
  }

  private Map<String, Path> cgroupsOf(int asked) {
    assertEquals(pid, asked);
    return cgroupsOfPid.get();
  }

  private static void assertNotRunning(Runnable call) {
    BerthException e = assertThrows(BerthException.class, call::run);
    assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
    assertEquals("failed to join PID namespace: container donor is not running", e.getMessage());
  }

  private static Container guest() {
    return Container.newBuilder().setId("guest").putLabels(ContainerLabels.PID, ContainerLabels.JOINED_CONTAINER_PREFIX + "donor")
        .build();
  }

  private Task donor() {
    return new Task("default", "donor", tmp, runc(), new LinkedHashMap<>(DONORS), init());
  }

  private TaskProcess init() {
    ProcessRecord record = new ProcessRecord("default", "donor", "", "monitor", "", "", "", false, pid, 0, false,
        "io.containerd.runc.v2", "/usr/sbin/runc", tmp.toString(), List.of(), Map.of());
    return new TaskProcess(Task.who("default", "donor"), "", tmp, new ProcessIo("", "", "", false), record,
        ProcessStatus.RUNNING);
  }

  private RuntimeBinary runc() {
    return new RuntimeBinary("io.containerd.runc.v2", Path.of("/usr/sbin/runc"), tmp);
  }
}
