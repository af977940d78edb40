package dev.berth.ctl.container;

import java.util.Set;

/**
 * The kernel's own file systems (/proc, /sys, cgroups, /dev/pts, /dev/mqueue ...), by statfs's
 * f_type, wherever a container has them mounted. Copying the container's files leaves their
 * content out, as Docker's copy from the container's root file system does: it is no file of the
 * container's, and reading some of it fails or never ends.
 */
final class KernelFileSystems {
  /** The f_type of proc, sysfs, cgroup, cgroup2, devpts, mqueue, securityfs, debugfs, tracefs, pstore, bpf, configfs, fusectl, binfmt_misc and hugetlbfs. */
  static final Set<Long> TYPES = Set.of(0x9fa0L, 0x62656572L, 0x27e0ebL, 0x63677270L, 0x1cd1L, 0x19800202L,
      0x73636673L, 0x64626720L, 0x74726163L, 0x6165676cL, 0xcafe4a11L, 0x62656570L, 0x65735543L, 0x42494e4dL,
      0x958458f6L);

  private KernelFileSystems() {}
}
