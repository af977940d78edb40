package dev.berth.client.spec;

import java.util.List;

/**
 * What every container gets unless told otherwise, as containerd's default Unix spec and runc's
 * own default give it: the capability set, the paths of /proc and /sys hidden or made read-only,
 * the mounts a Linux system expects, an open-files limit, and a PATH for images without one.
 */
public final class DefaultSpec {
  public static final String OCI_VERSION = "1.0.2-dev";
  public static final String ROOTFS = "rootfs";
  public static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** runc's default capabilities, bounding, effective and permitted alike. */
  public static final List<String> CAPABILITIES = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
      "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
      "CAP_AUDIT_WRITE");

  /** Kernel interfaces that tell about or act on the host; runc mounts over them. */
  public static final List<String> MASKED_PATHS = List.of(
      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
      "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi");

  public static final List<String> READONLY_PATHS = List.of(
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  /**
   * Open files, soft and hard: containerd's default. Berthd cannot raise a hard limit above its
   * own (it lacks CAP_SYS_RESOURCE), so defaults never go higher than hosts commonly allow.
   */
  public static final Spec.Rlimit NOFILE = new Spec.Rlimit("RLIMIT_NOFILE", 1024, 1024);

  /** Deny every device; runc then allows the few a container needs (null, zero, tty, ...). */
  public static final Spec.DeviceRule DENY_ALL_DEVICES = new Spec.DeviceRule(false, null, null, null, "rwm");

  /** Every device, for a privileged container. */
  public static final Spec.DeviceRule ALLOW_ALL_DEVICES = new Spec.DeviceRule(true, null, null, null, "rwm");

  public static final List<Spec.Mount> MOUNTS = List.of(
      new Spec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
      new Spec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
      new Spec.Mount("/dev/pts", "devpts", "devpts",
          List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
      new Spec.Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
      new Spec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
      new Spec.Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
      new Spec.Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));

  /**
   * /sys for a container in a user namespace without its own network namespace: the kernel
   * refuses it a sysfs mount there, so it gets the host's, read-only.
   */
  static final Spec.Mount SYS_BIND = new Spec.Mount("/sys", "bind", "/sys",
      List.of("rbind", "nosuid", "noexec", "nodev", "ro"));

  /** /dev/shm of a container in the host's IPC namespace (Docker's {@code --ipc host}): the host's, as Docker binds it. */
  static final Spec.Mount HOST_SHM = new Spec.Mount("/dev/shm", "bind", "/dev/shm", List.of("rbind", "rprivate"));

  private DefaultSpec() {}
}
