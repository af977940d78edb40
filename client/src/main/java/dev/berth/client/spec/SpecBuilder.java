package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import dev.berth.client.images.ImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds the OCI runtime spec of a container from its image's config and what the user asked
 * for, as containerd's client does with its spec options; the result goes into the container
 * record ({@link SpecJson#toAny}) or a bundle's {@code config.json} ({@link SpecJson#toBytes}).
 *
 * <p>Unless told otherwise a container gets {@link DefaultSpec}'s capabilities, mounts, masked
 * and read-only paths and open-files limit; new pid, ipc, uts, mount and network namespaces; the
 * root file system at {@code rootfs} in the bundle; the cgroup {@code /<namespace>/<id>} (as
 * containerd and Berth's Tasks service choose when a spec names none, so every client's
 * containers share one layout); the hostname of the first 12 characters of its id (as Docker).
 *
 * <p>What runs follows Docker: the image's entrypoint and cmd; {@link #entrypoint} replaces the
 * entrypoint and drops the image's cmd; {@link #args} replace the cmd. The environment is the
 * image's, then {@link #env}'s by name, over a default PATH, HOSTNAME and, with a terminal,
 * TERM (Docker's order: PATH, HOSTNAME, TERM, then the rest). The user (given, or the image's) is resolved through the
 * image's /etc/passwd and /etc/group, read with {@link #rootfsFiles}.
 */
public final class SpecBuilder {
  /** Docker's smallest memory limit: below it a container hardly starts. */
  public static final long MIN_MEMORY = 6L << 20;
  /** How much of the id Docker takes as the default hostname. */
  private static final int HOSTNAME_LENGTH = 12;

  private final String namespace;
  private final String id;
  private ImageConfig image;
  private RootfsFiles rootfsFiles = RootfsFiles.none();
  private List<String> entrypoint;
  private List<String> args = List.of();
  private final List<String> env = new ArrayList<>();
  private String workingDir;
  private String user;
  private boolean userAtStart;
  private String hostname;
  /** HOSTNAME in the environment of a container that joins another's UTS namespace, else null. */
  private String hostnameEnv;
  private boolean terminal;
  private Spec.ConsoleSize consoleSize;
  private boolean noNewPrivileges;
  private boolean readOnlyRootfs;
  private String rootPath = DefaultSpec.ROOTFS;
  private Long memory;
  private Long memorySwap;
  private Long memoryReservation;
  private boolean oomKillDisable;
  private Long memorySwappiness;
  private ResourceFlags.CpuQuota cpuQuota;
  private Long cpuShares;
  private String cpusetCpus;
  private String cpusetMems;
  private Spec.BlockIO blockIO;
  private final Map<String, String> unified = new TreeMap<>();
  private final List<Spec.DeviceRule> deviceRules = new ArrayList<>();
  private Long pidsLimit;
  private final List<Spec.Mount> mounts = new ArrayList<>();
  /** Namespace → the path to join, "" for a new one; absent for the host's. */
  private final Map<NamespaceType, String> namespaces = new EnumMap<>(NamespaceType.class);
  private List<Spec.IdMapping> uidMappings = List.of();
  private List<Spec.IdMapping> gidMappings = List.of();
  private final Map<String, String> annotations = new TreeMap<>();
  private String cgroupsPath;
  private String domainname;
  private Integer oomScoreAdj;
  private final Map<String, Spec.Rlimit> rlimits = new LinkedHashMap<>();
  private List<String> capAdd = List.of();
  private List<String> capDrop = List.of();
  /** The host's devices when privileged, else null. */
  private List<Spec.Device> privilegedDevices;
  /** Devices given one by one ({@code --device}), each with the access its cgroup rule allows. */
  private final Map<Spec.Device, String> addedDevices = new LinkedHashMap<>();
  /** What a privileged container and {@code --cap-add ALL} get. */
  private List<String> allCapabilities = Capabilities.ALL;
  private Long shmSize;
  private boolean ownGroupSupplementary;
  /** False for Docker's {@code --ipc none}. */
  private boolean shm = true;
  /** Docker's {@code --ipc host}: the host's /dev/shm in place of a tmpfs of the container's own. */
  private boolean hostShm;
  private List<Long> supplementalGroups = List.of();
  private List<String> groupAdd = List.of();
  private List<String> maskedPaths = DefaultSpec.MASKED_PATHS;
  private List<String> readonlyPaths = DefaultSpec.READONLY_PATHS;
  private final Map<String, String> sysctls = new TreeMap<>();
  private SeccompProfile seccomp;
  private String rootfsPropagation;

  private SpecBuilder(String namespace, String id) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.id = Objects.requireNonNull(id, "id");
    for (NamespaceType type : List.of(NamespaceType.PID, NamespaceType.IPC, NamespaceType.UTS, NamespaceType.MOUNT,
        NamespaceType.NETWORK)) {
      namespaces.put(type, "");
    }
    rlimits.put(DefaultSpec.NOFILE.type(), DefaultSpec.NOFILE);
  }

  /** A builder for container {@code id} in Berth namespace {@code namespace}. */
  public static SpecBuilder create(String namespace, String id) {
    return new SpecBuilder(namespace, id);
  }

  /** The image's entrypoint, cmd, environment, working directory and user. */
  public SpecBuilder image(ImageConfig image) {
    this.image = image;
    return this;
  }

  /** Where the image's /etc/passwd and /etc/group are read to resolve user and group names. */
  public SpecBuilder rootfsFiles(RootfsFiles files) {
    this.rootfsFiles = Objects.requireNonNull(files);
    return this;
  }

  /** Docker's {@code --entrypoint}: replaces the image's entrypoint and drops its cmd; empty for none. */
  public SpecBuilder entrypoint(List<String> entrypoint) {
    this.entrypoint = List.copyOf(entrypoint);
    return this;
  }

  /** The arguments after the image name: replace the image's cmd when not empty. */
  public SpecBuilder args(List<String> args) {
    this.args = List.copyOf(args);
    return this;
  }

  /** {@code KEY=VALUE} variables (see {@link EnvVars}) set over the image's; later ones win. */
  public SpecBuilder env(List<String> vars) {
    for (String var : vars) {
      if (var.indexOf('=') <= 0) {
        throw InvalidValueException.of("environment variable", var, "expected KEY=VALUE");
      }
    }
    env.addAll(vars);
    return this;
  }

  /** Docker's {@code -w}: an absolute path; the image's, or /, otherwise. */
  public SpecBuilder workingDir(String dir) {
    if (!dir.startsWith("/")) {
      throw InvalidValueException.of("working directory", dir, "not an absolute path");
    }
    this.workingDir = dir;
    return this;
  }

  /** Docker's {@code -u}: {@code NAME[:GROUP]} or {@code UID[:GID]}, over the image's user. */
  public SpecBuilder user(String user) {
    this.user = user;
    return this;
  }

  /**
   * Leaves the user to the container's start, which resolves it as Docker's daemon does (a name the
   * image lacks now may be there then). Until then the process has the kernel's overflow ids, so a
   * start that skips the resolution runs unprivileged, never as root; group ids given otherwise
   * ({@link #groupAdd}) are kept, and group names are left to the start too.
   */
  public SpecBuilder userAtStart() {
    this.userAtStart = true;
    return this;
  }

  public SpecBuilder hostname(String hostname) {
    if (!hostname.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})")) {
      throw InvalidValueException.of("hostname", hostname, "expected letters, digits, '.' and '-', at most 63");
    }
    this.hostname = hostname;
    return this;
  }

  /**
   * Puts {@code HOSTNAME=host} in the environment of a container that joins a UTS namespace it
   * does not name (a pod's), as containerd's CRI does; the image's and the given environment
   * still override it.
   */
  public SpecBuilder hostnameEnv(String host) {
    this.hostnameEnv = host;
    return this;
  }

  /**
   * Leaves the resource limits out of the spec, the default RLIMIT_NOFILE included, so that the
   * process keeps its runtime's (berthd's), as containerd's CRI does.
   */
  public SpecBuilder inheritRlimits() {
    rlimits.clear();
    return this;
  }

  /**
   * Docker's {@code --privileged}: every capability, the given host devices (see
   * {@link HostDevices}) and access to all devices, no masked or read-only paths of /proc, and
   * /sys and its cgroups writable.
   */
  public SpecBuilder privileged(List<Spec.Device> hostDevices) {
    this.privilegedDevices = List.copyOf(hostDevices);
    return this;
  }

  /**
   * A device node in the container ({@code --device}), reachable with {@code access}: some of
   * {@code r}, {@code w} and {@code m} (mknod).
   */
  public SpecBuilder device(Spec.Device device, String access) {
    if (!access.matches("(?!.*(.).*\\1)[rwm]{1,3}")) {
      throw InvalidValueException.of("device permissions", access, "expected some of r, w and m, like rwm");
    }
    if (!device.path().startsWith("/")) {
      throw InvalidValueException.of("device path", device.path(), "expected an absolute path in the container");
    }
    addedDevices.put(device, access);
    return this;
  }

  /**
   * What "every capability" is for {@link #privileged} and {@code --cap-add ALL}: all of Linux's
   * unless set; a host's bounding set ({@link Capabilities#bounding()}) where fewer may be held.
   */
  public SpecBuilder allCapabilities(List<String> capabilities) {
    this.allCapabilities = List.copyOf(capabilities);
    return this;
  }

  /** Docker's {@code --cap-add} and {@code --cap-drop} (see {@link Capabilities}). */
  public SpecBuilder capabilities(List<String> add, List<String> drop) {
    Capabilities.resolve(DefaultSpec.CAPABILITIES, add, drop, allCapabilities);
    this.capAdd = List.copyOf(add);
    this.capDrop = List.copyOf(drop);
    return this;
  }

  /** Docker's {@code --shm-size}: the size of the container's /dev/shm. */
  public SpecBuilder shmSize(long bytes) {
    if (bytes <= 0) {
      throw InvalidValueException.of("shm size", Long.toString(bytes), "must be more than 0");
    }
    this.shmSize = bytes;
    return this;
  }

  /** Docker's {@code --ipc none}: no /dev/shm unless the caller mounts one there. */
  public SpecBuilder withoutShm() {
    this.shm = false;
    return this;
  }

  /**
   * Docker's {@code --ipc host}: the host's /dev/shm bound at /dev/shm (unless the caller mounts
   * one there), so POSIX shared memory is shared with the host as System V IPC is.
   */
  public SpecBuilder hostShm() {
    this.hostShm = true;
    return this;
  }

  /** Docker's {@code --ulimit}, replacing the default of its type. */
  public SpecBuilder ulimit(Ulimit limit) {
    return rlimit(limit.type(), limit.soft(), limit.hard());
  }

  /** Whether the process gets a terminal (Docker's {@code -t}). */
  public SpecBuilder terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  /** The terminal's size at the start (with {@link #terminal}); null leaves it to a resize once it runs. */
  public SpecBuilder consoleSize(Spec.ConsoleSize consoleSize) {
    this.consoleSize = consoleSize;
    return this;
  }

  /** Docker's {@code --security-opt no-new-privileges}: setuid binaries and file caps grant nothing. */
  public SpecBuilder noNewPrivileges(boolean noNewPrivileges) {
    this.noNewPrivileges = noNewPrivileges;
    return this;
  }

  /** Docker's {@code --read-only}: the root file system mounted read-only. */
  public SpecBuilder readOnlyRootfs(boolean readOnly) {
    this.readOnlyRootfs = readOnly;
    return this;
  }

  /** The root file system's path, relative to the bundle or absolute; {@code rootfs} unless set. */
  public SpecBuilder rootPath(String path) {
    this.rootPath = path;
    return this;
  }

  /** Memory limit in bytes (see {@link ResourceFlags#memory}). */
  public SpecBuilder memory(long bytes) {
    if (bytes < MIN_MEMORY) {
      throw InvalidValueException.of("memory limit", Long.toString(bytes), "the minimum is 6m");
    }
    this.memory = bytes;
    return this;
  }

  /**
   * Memory plus swap in bytes, -1 for unlimited swap (Docker's {@code --memory-swap}); needs
   * {@link #memory}. Left unset, swap is not limited apart from memory, whatever the host allows.
   */
  public SpecBuilder memorySwap(long bytes) {
    this.memorySwap = bytes;
    return this;
  }

  /** The soft memory limit in bytes (Docker's {@code --memory-reservation}): no more than {@link #memory}. */
  public SpecBuilder memoryReservation(long bytes) {
    if (bytes < MIN_MEMORY) {
      throw InvalidValueException.of("memory reservation", Long.toString(bytes), "the minimum is 6m");
    }
    this.memoryReservation = bytes;
    return this;
  }

  /**
   * Keeps the kernel's OOM killer away from the container (Docker's {@code --oom-kill-disable}):
   * at its memory limit its processes wait for memory instead. Cgroup v1 only; runc leaves it out
   * on v2.
   */
  public SpecBuilder oomKillDisable() {
    this.oomKillDisable = true;
    return this;
  }

  /**
   * How readily the kernel swaps the container's anonymous pages, 0 to 100 (Docker's
   * {@code --memory-swappiness}). Cgroup v1 only: the caller leaves it out on a cgroup v2 host.
   */
  public SpecBuilder memorySwappiness(long swappiness) {
    if (swappiness < 0 || swappiness > 100) {
      throw InvalidValueException.of("memory swappiness", Long.toString(swappiness), "expected 0 to 100");
    }
    this.memorySwappiness = swappiness;
    return this;
  }

  /** Docker's {@code --cpus} as a CFS quota (see {@link ResourceFlags#cpus}). */
  public SpecBuilder cpus(ResourceFlags.CpuQuota quota) {
    this.cpuQuota = quota;
    return this;
  }

  public SpecBuilder cpuShares(long shares) {
    if (shares < ResourceFlags.MIN_CPU_SHARES || shares > ResourceFlags.MAX_CPU_SHARES) {
      throw InvalidValueException.of("CPU shares", Long.toString(shares), "must be from 2 to 262144");
    }
    this.cpuShares = shares;
    return this;
  }

  /** CPUs the container may run on, like {@code 0-2,4}. */
  public SpecBuilder cpusetCpus(String cpus) {
    this.cpusetCpus = ResourceFlags.cpuset(cpus);
    return this;
  }

  /** Memory nodes the container may allocate from, like {@code 0-1}. */
  public SpecBuilder cpusetMems(String mems) {
    this.cpusetMems = ResourceFlags.cpuset(mems);
    return this;
  }

  /** cgroup v2 files to write, by name (memory.high …), as runc writes the spec's {@code unified}. */
  public SpecBuilder unified(Map<String, String> files) {
    unified.putAll(files);
    return this;
  }

  /** Block I/O weights and limits; null for none. */
  public SpecBuilder blockIO(Spec.BlockIO blockIO) {
    this.blockIO = blockIO;
    return this;
  }

  /** Device cgroup rules after those of the devices added, as Docker's {@code --device-cgroup-rule} adds them. */
  public SpecBuilder deviceRules(List<Spec.DeviceRule> rules) {
    deviceRules.addAll(rules);
    return this;
  }

  /** Most processes at once; -1 for no limit. */
  public SpecBuilder pidsLimit(long limit) {
    this.pidsLimit = limit;
    return this;
  }

  /**
   * A mount over the defaults: one at the same destination as a default mount replaces it; two
   * of the caller's at one destination are refused.
   */
  public SpecBuilder mount(Spec.Mount mount) {
    String destination = Path.of(mount.destination()).normalize().toString();
    if (!destination.startsWith("/")) {
      throw InvalidValueException.of("mount", mount.destination(), "the container path is not absolute");
    }
    for (Spec.Mount m : mounts) {
      if (m.destination().equals(destination)) {
        throw InvalidValueException.of("mount", destination, "more than one mount at this container path");
      }
    }
    mounts.add(new Spec.Mount(destination, mount.type(), mount.source(), mount.options()));
    return this;
  }

  /** A bind mount of a host path or a tmpfs; a volume needs {@link #volume}. */
  public SpecBuilder mount(MountRequest request) {
    return mount(request instanceof VolumeSpec v ? v.bindMount() : ((TmpfsSpec) request).mount());
  }

  /** A named or anonymous volume whose data lives in {@code hostDir}. */
  public SpecBuilder volume(VolumeSpec volume, Path hostDir) {
    return mount(volume.volumeMount(hostDir));
  }

  /** Shares the host's namespace of {@code type} (Docker's {@code --network host}, {@code --pid host}). */
  public SpecBuilder hostNamespace(NamespaceType type) {
    if (type == NamespaceType.MOUNT) {
      throw new IllegalArgumentException("a container always has its own mount namespace");
    }
    namespaces.remove(type);
    return this;
  }

  /** Joins the namespace at {@code path}, e.g. {@code /proc/<pid>/ns/net} ({@code --network container:NAME}). */
  public SpecBuilder joinNamespace(NamespaceType type, String path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("joining a namespace needs its path");
    }
    namespaces.put(type, path);
    return this;
  }

  /** A new user namespace with these mappings of container ids to host ids. */
  public SpecBuilder userNamespace(List<Spec.IdMapping> uids, List<Spec.IdMapping> gids) {
    if (uids.isEmpty() || gids.isEmpty()) {
      throw new IllegalArgumentException("a user namespace needs uid and gid mappings");
    }
    namespaces.put(NamespaceType.USER, "");
    this.uidMappings = List.copyOf(uids);
    this.gidMappings = List.copyOf(gids);
    return this;
  }

  /** A new cgroup namespace: the container sees its own cgroup as the root. */
  public SpecBuilder cgroupNamespace() {
    namespaces.put(NamespaceType.CGROUP, "");
    return this;
  }

  public SpecBuilder annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  public SpecBuilder annotations(Map<String, String> values) {
    annotations.putAll(values);
    return this;
  }

  /**
   * Docker's and containerd's way: the user's own group is the first of its supplementary ones
   * ({@link UserResolver#withOwnGroup}).
   */
  public SpecBuilder ownGroupSupplementary() {
    this.ownGroupSupplementary = true;
    return this;
  }

  /** Group ids the process gets besides those of its user (the CRI's supplemental groups). */
  public SpecBuilder supplementalGroups(List<Long> gids) {
    this.supplementalGroups = List.copyOf(gids);
    return this;
  }

  /**
   * Docker's {@code --group-add}: groups the process gets besides those of its user, by id or by
   * a name in the image's /etc/group.
   */
  public SpecBuilder groupAdd(List<String> groups) {
    this.groupAdd = List.copyOf(groups);
    return this;
  }

  /** Paths made unreadable in the container, instead of {@link DefaultSpec}'s (none when privileged). */
  public SpecBuilder maskedPaths(List<String> paths) {
    this.maskedPaths = List.copyOf(paths);
    return this;
  }

  /** Paths mounted read-only in the container, instead of {@link DefaultSpec}'s (none when privileged). */
  public SpecBuilder readonlyPaths(List<String> paths) {
    this.readonlyPaths = List.copyOf(paths);
    return this;
  }

  /** The NIS domain name the container's own UTS namespace gets (Docker's {@code --domainname}). */
  public SpecBuilder domainname(String name) {
    if (!name.matches("[a-zA-Z0-9]([a-zA-Z0-9.-]{0,253}[a-zA-Z0-9])?")) {
      throw InvalidValueException.of("domain name", name, "letters, digits, dots and dashes");
    }
    this.domainname = name;
    return this;
  }

  /**
   * The container's OOM score adjustment, from -1000 (never killed first) to 1000; lowering it
   * below berthd's own needs CAP_SYS_RESOURCE.
   */
  public SpecBuilder oomScoreAdj(int adj) {
    if (adj < -1000 || adj > 1000) {
      throw InvalidValueException.of("OOM score adjustment", Integer.toString(adj), "must be from -1000 to 1000");
    }
    this.oomScoreAdj = adj;
    return this;
  }

  /** The cgroup, {@code /<namespace>/<id>} unless set. */
  public SpecBuilder cgroupsPath(String path) {
    this.cgroupsPath = path;
    return this;
  }

  /** Kernel parameters set in the container's namespaces ({@code net.*}, {@code kernel.shm*} ...), as runc's {@code linux.sysctl}. */
  public SpecBuilder sysctls(Map<String, String> values) {
    values.forEach((k, v) -> {
      if (!k.matches("[a-z0-9_]+([./][a-zA-Z0-9_-]+)+")) {
        throw InvalidValueException.of("sysctl", k, "expected a dotted name like net.ipv4.ip_forward");
      }
    });
    sysctls.putAll(values);
    return this;
  }

  /**
   * A seccomp profile, its capability-dependent rules resolved against the container's final
   * capabilities; none for a privileged container (as Docker and containerd do).
   */
  public SpecBuilder seccomp(SeccompProfile profile) {
    this.seccomp = profile;
    return this;
  }

  /**
   * The propagation of the container's root mount ({@code rshared}, {@code rslave} ...): a
   * bind mount propagating back to the host needs a shared root, else runc's default (rslave)
   * cuts it off from the host's peer group.
   */
  public SpecBuilder rootfsPropagation(String propagation) {
    if (!List.of("rshared", "shared", "rslave", "slave", "rprivate", "private").contains(propagation)) {
      throw InvalidValueException.of("rootfs propagation", propagation, "expected rshared, rslave or rprivate");
    }
    this.rootfsPropagation = propagation;
    return this;
  }

  /**
   * A resource limit ({@code RLIMIT_NOFILE}, ...), replacing the default of that type; the values
   * are unsigned, -1 being RLIM_INFINITY.
   */
  public SpecBuilder rlimit(String type, long soft, long hard) {
    if (!type.matches("RLIMIT_[A-Z]+")) {
      throw InvalidValueException.of("rlimit", type, "expected a name like RLIMIT_NOFILE");
    }
    if (Long.compareUnsigned(soft, hard) > 0) {
      throw InvalidValueException.of("rlimit", type + "=" + soft + ":" + hard, "the soft limit is above the hard one (-1 being unlimited)");
    }
    rlimits.put(type, new Spec.Rlimit(type, hard, soft));
    return this;
  }

  public Spec build() {
    boolean ownUts = "".equals(namespaces.get(NamespaceType.UTS));
    if (hostname != null && !ownUts) {
      throw new InvalidValueException("a hostname needs the container's own UTS namespace");
    }
    if (domainname != null && !ownUts) {
      throw new InvalidValueException("a domain name needs the container's own UTS namespace");
    }
    if (domainname != null) {
      // runc before 1.2 ignores the spec's domainname; the sysctl reaches every version
      sysctls.putIfAbsent("kernel.domainname", domainname);
    }
    String host = hostname != null ? hostname : ownUts ? id.substring(0, Math.min(HOSTNAME_LENGTH, id.length())) : null;
    Spec.User resolved = userAtStart ? UserResolver.UNRESOLVED
        : UserResolver.resolve(user != null ? user : image == null ? "" : image.user(), rootfsFiles);
    // a user resolved at start gets its own group then (UserAtStart)
    List<Long> groups = new ArrayList<>(ownGroupSupplementary && !userAtStart
        ? UserResolver.withOwnGroup(resolved).additionalGids() : resolved.additionalGids());
    supplementalGroups.stream().filter(g -> !groups.contains(g)).forEach(groups::add);
    // names are looked up with the user at start (UserAtStart)
    groupAdd.stream().filter(g -> !userAtStart || g.chars().allMatch(Character::isDigit))
        .map(g -> UserResolver.groupId(g, rootfsFiles)).filter(g -> !groups.contains(g)).forEach(groups::add);
    Spec.User processUser = new Spec.User(resolved.uid(), resolved.gid(), groups);
    boolean privileged = privilegedDevices != null;
    List<String> caps = privileged ? allCapabilities
        : Capabilities.resolve(DefaultSpec.CAPABILITIES, capAdd, capDrop, allCapabilities);
    Spec.Process process = new Spec.Process(terminal, terminal ? consoleSize : null, processUser, processArgs(),
        processEnv(host != null ? host : hostnameEnv), cwd(),
        new Spec.Capabilities(caps, caps, List.of(), caps, List.of()), List.copyOf(rlimits.values()),
        noNewPrivileges, oomScoreAdj);
    Spec.Linux linux = new Spec.Linux(uidMappings, gidMappings, resources(),
        cgroupsPath != null ? cgroupsPath : "/" + namespace + "/" + id, namespaceList(),
        privileged ? List.of() : maskedPaths, privileged ? List.of() : readonlyPaths,
        privileged ? privilegedDevices : List.copyOf(addedDevices.keySet()), sysctls,
        seccomp == null || privileged ? null : seccomp.forSpec(caps), rootfsPropagation);
    return new Spec(DefaultSpec.OCI_VERSION, process, new Spec.Root(rootPath, readOnlyRootfs), host, domainname,
        allMounts(), linux, annotations);
  }

  private List<String> processArgs() {
    List<String> imageEntrypoint = image == null ? List.of() : image.entrypoint();
    List<String> imageCmd = image == null ? List.of() : image.cmd();
    List<String> all = new ArrayList<>(entrypoint != null ? entrypoint : imageEntrypoint);
    all.addAll(!args.isEmpty() ? args : entrypoint != null ? List.of() : imageCmd);
    if (all.isEmpty()) {
      throw new InvalidValueException("no command: the image has neither entrypoint nor cmd, and none was given");
    }
    return all;
  }

  private List<String> processEnv(String host) {
    List<String> given = EnvVars.merge(image == null ? List.of() : image.env(), env);
    // Docker's order: PATH first (the image's replaces the default in place), then HOSTNAME, TERM
    List<String> beneath = new ArrayList<>(List.of(DefaultSpec.PATH));
    if (host != null) {
      beneath.add("HOSTNAME=" + host);
    }
    if (terminal) {
      beneath.add("TERM=xterm");
    }
    return EnvVars.merge(beneath, given);
  }

  private String cwd() {
    if (workingDir != null) {
      return workingDir;
    }
    String dir = image == null ? "" : image.workingDir();
    return dir.isEmpty() ? "/" : dir.startsWith("/") ? dir : "/" + dir;
  }

  private Spec.Resources resources() {
    if (memorySwap != null && memorySwap != -1) {
      if (memory == null) {
        throw new InvalidValueException("a memory-swap limit needs a memory limit");
      }
      if (memorySwap < memory) {
        throw new InvalidValueException("the memory-swap limit (" + memorySwap
            + " bytes) is below the memory limit (" + memory + " bytes): it counts memory plus swap");
      }
    }
    if (memory != null && memoryReservation != null && memory < memoryReservation) {
      throw new InvalidValueException("Minimum memory limit can not be less than memory reservation limit, see usage");
    }
    Spec.Memory mem = memory == null && memorySwap == null && memoryReservation == null && !oomKillDisable
        && memorySwappiness == null ? null
        : new Spec.Memory(memory, memorySwap, memoryReservation, oomKillDisable ? Boolean.TRUE : null, memorySwappiness);
    Spec.Cpu cpu = cpuQuota == null && cpuShares == null && cpusetCpus == null && cpusetMems == null ? null
        : new Spec.Cpu(cpuShares, cpuQuota == null ? null : cpuQuota.quota(),
            cpuQuota == null ? null : cpuQuota.period(), cpusetCpus, cpusetMems);
    Spec.Pids pids = pidsLimit == null ? null : new Spec.Pids(pidsLimit);
    List<Spec.DeviceRule> devices = new ArrayList<>();
    if (privilegedDevices != null) {
      devices.add(DefaultSpec.ALLOW_ALL_DEVICES);
    } else {
      devices.add(DefaultSpec.DENY_ALL_DEVICES);
      addedDevices.forEach((d, access) -> devices.add(new Spec.DeviceRule(true, d.type(), d.major(), d.minor(), access)));
    }
    devices.addAll(deviceRules);
    return new Spec.Resources(devices, mem, cpu, pids, blockIO, unified);
  }

  private List<Spec.Namespace> namespaceList() {
    List<Spec.Namespace> list = new ArrayList<>();
    namespaces.forEach((type, path) -> list.add(new Spec.Namespace(type.ociName(), path)));
    return list;
  }

  /** The defaults not replaced, then the caller's, parents before what is mounted inside them. */
  private List<Spec.Mount> allMounts() {
    boolean sysfsRefused = namespaces.containsKey(NamespaceType.USER)
        && !"".equals(namespaces.get(NamespaceType.NETWORK));
    List<Spec.Mount> all = new ArrayList<>();
    for (Spec.Mount m : DefaultSpec.MOUNTS) {
      boolean left = !shm && m.destination().equals("/dev/shm");
      if (!left && mounts.stream().noneMatch(own -> own.destination().equals(m.destination()))) {
        Spec.Mount mount = sysfsRefused && m.destination().equals("/sys") ? DefaultSpec.SYS_BIND : m;
        if (privilegedDevices != null && mount.destination().startsWith("/sys")) {
          mount = new Spec.Mount(mount.destination(), mount.type(), mount.source(),
              mount.options().stream().filter(o -> !o.equals("ro")).toList());
        }
        if (hostShm && mount.destination().equals("/dev/shm")) {
          mount = DefaultSpec.HOST_SHM;
        } else if (shmSize != null && mount.destination().equals("/dev/shm")) {
          mount = new Spec.Mount(mount.destination(), mount.type(), mount.source(), mount.options().stream()
              .map(o -> o.startsWith("size=") ? "size=" + shmSize : o).toList());
        }
        all.add(mount);
      }
    }
    List<Spec.Mount> own = new ArrayList<>(mounts);
    own.sort(Comparator.comparingLong(m -> m.destination().chars().filter(c -> c == '/').count()));
    all.addAll(own);
    return all;
  }
}
