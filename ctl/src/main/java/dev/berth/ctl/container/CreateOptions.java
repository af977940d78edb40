package dev.berth.ctl.container;

import dev.berth.api.InvalidValueException;
import dev.berth.client.containers.ContainerOptions;
import dev.berth.client.health.Healthcheck;
import dev.berth.ctl.flags.PflagTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flags of {@code create} and {@code run}, as docker spells them. Values are kept as typed and
 * checked by the client library's {@code ContainerCreator} before anything is created, so that a bad one is reported
 * like any other failure (exit 125) and leaves nothing behind.
 */
final class CreateOptions {
  @Option(names = "--name", paramLabel = "NAME", description = "the container's name (default: a generated one)")
  String name;

  @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]",
      description = "set an environment variable; KEY alone takes its value from here (repeatable)")
  List<String> env = new ArrayList<>();

  @Option(names = "--env-file", paramLabel = "FILE", description = "read KEY=VALUE lines from FILE (repeatable)")
  List<Path> envFiles = new ArrayList<>();

  @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "working directory inside the container")
  String workdir;

  @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "user (name or uid) and group")
  String user;

  @Option(names = "--entrypoint", paramLabel = "CMD", description = "replace the image's entrypoint (\"\" for none)")
  String entrypoint;

  @Option(names = "--hostname", paramLabel = "NAME", description = "the container's host name")
  String hostname;

  @Option(names = {"-v", "--volume"}, paramLabel = "SRC:DST[:OPTS]",
      description = "bind a host path (/src:/dst[:ro], or ./src relative to here) or mount a named volume (name:/dst[:ro,nocopy]); an empty "
          + "volume gets the image's files at /dst unless nocopy (repeatable)")
  List<String> volumes = new ArrayList<>();

  @Option(names = "--mount", paramLabel = "type=...,source=...,target=...",
      description = "a bind, volume or tmpfs mount in docker's --mount syntax (repeatable)")
  List<String> mounts = new ArrayList<>();

  @Option(names = "--tmpfs", paramLabel = "DST[:OPTS]", description = "mount a tmpfs (repeatable)")
  List<String> tmpfs = new ArrayList<>();

  @Option(names = "--volumes-from", paramLabel = "CONTAINER[:ro|:rw]",
      description = "the volumes and bind mounts of another container, at the same paths (repeatable)")
  List<String> volumesFrom = new ArrayList<>();

  @Option(names = "--read-only", description = "mount the root file system read-only")
  boolean readOnly;

  @Option(names = {"-m", "--memory"}, converter = PflagTypes.MemBytes.class,
      paramLabel = "SIZE", description = "memory limit, like 512m")
  String memory;

  @Option(names = "--memory-swap", converter = PflagTypes.MemSwapBytes.class,
      paramLabel = "SIZE", description = "memory plus swap limit; -1 for unlimited swap")
  String memorySwap;

  @Option(names = "--memory-reservation", converter = PflagTypes.MemBytes.class, paramLabel = "SIZE",
      description = "soft memory limit the kernel reclaims down to when memory is short, like 256m")
  String memoryReservation;

  @Option(names = "--kernel-memory", converter = PflagTypes.MemBytes.class, paramLabel = "BYTES",
      description = "taken and dropped with Docker's warning: recent kernels set no kernel memory limit of its own")
  String kernelMemory;

  @Option(names = "--oom-kill-disable", description = "at the memory limit, wait for memory instead of being killed")
  boolean oomKillDisable;

  @Option(names = "--memory-swappiness", converter = PflagTypes.Int64.class, paramLabel = "0-100",
      description = "how readily the container's memory goes to swap, 0 to 100 (-1, the default: the kernel's)")
  Long memorySwappiness;

  @Option(names = "--log-driver", paramLabel = "DRIVER",
      description = "json-file (the default), local or k8s-file keep the output for logs; none keeps nothing")
  String logDriver;

  @Option(names = "--log-opt", paramLabel = "KEY=VALUE",
      description = "max-size=10m starts the log again past that size; max-file, compress (repeatable)")
  List<String> logOpts = new ArrayList<>();

  @Option(names = "--health-cmd", paramLabel = "COMMAND",
      description = "a command that exits 0 when the container is healthy (run by /bin/sh -c)")
  String healthCmd;

  @Option(names = "--health-interval", converter = PflagTypes.Duration.class,
      paramLabel = "DURATION", description = "time between checks (default 30s)")
  String healthInterval;

  @Option(names = "--health-timeout", converter = PflagTypes.Duration.class,
      paramLabel = "DURATION", description = "time a check may take (default 30s)")
  String healthTimeout;

  @Option(names = "--health-start-period", converter = PflagTypes.Duration.class, paramLabel = "DURATION",
      description = "time after a start in which failures do not count (default 0s)")
  String healthStartPeriod;

  @Option(names = "--health-start-interval", converter = PflagTypes.Duration.class, paramLabel = "DURATION",
      description = "time between checks in the start period while the container is starting (default 5s)")
  String healthStartInterval;

  @Option(names = "--health-retries", converter = PflagTypes.Int64.class, paramLabel = "N",
      description = "failures in a row that make it unhealthy (default 3)")
  Long healthRetries;

  @Option(names = "--no-healthcheck", description = "run no health check, not even the image's")
  boolean noHealthcheck;

  @Option(names = "--cpu-quota", converter = PflagTypes.Int64Text.class,
      paramLabel = "MICROSECONDS", description = "CPU time per CFS period, like 50000")
  String cpuQuota;

  @Option(names = "--cpu-period", converter = PflagTypes.Int64Text.class,
      paramLabel = "MICROSECONDS", description = "the CFS period (default 100000)")
  String cpuPeriod;

  @Option(names = "--oom-score-adj", converter = PflagTypes.Int64.class, paramLabel = "N",
      description = "the OOM killer's preference, -1000 to 1000 (lowering it needs CAP_SYS_RESOURCE)")
  Long oomScoreAdj;

  @Option(names = "--cgroup-parent", paramLabel = "PATH",
      description = "the cgroup the container's cgroup goes under (default /NAMESPACE)")
  String cgroupParent;

  @Option(names = "--cgroupns", paramLabel = "MODE", description = "cgroup namespace: host (the host's) or private "
      + "(its own, where its cgroup is /); default private where the host runs cgroup v2 alone, else host")
  String cgroupns;

  @Option(names = "--runtime", paramLabel = "NAME", description = "the OCI runtime: runc (the default) or crun")
  String runtime;

  @Option(names = "--userns", paramLabel = "MODE",
      description = "user namespace: host, as every container is here (berthd remaps no user ids)")
  String userns;

  @Option(names = "--cpus", converter = PflagTypes.NanoCpus.class,
      paramLabel = "N", description = "CPUs the container may use, like 1.5")
  String cpus;

  @Option(names = {"-c", "--cpu-shares"}, converter = PflagTypes.Int64Text.class,
      paramLabel = "N", description = "relative CPU weight (default 1024)")
  String cpuShares;

  @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs the container may run on, like 0-2,4")
  String cpusetCpus;

  @Option(names = "--cpuset-mems", paramLabel = "LIST", description = "memory nodes the container may use, like 0-1")
  String cpusetMems;

  @Option(names = "--pids-limit", converter = PflagTypes.Int64Text.class,
      paramLabel = "N", description = "most processes at once (-1: no limit)")
  String pidsLimit;

  @Option(names = "--blkio-weight", converter = PflagTypes.Uint16Text.class,
      paramLabel = "N", description = "relative block I/O weight, 10 to 1000 (0: none); "
      + "dropped with Docker's warning where the host's I/O scheduler has no weights")
  String blkioWeight;

  @Option(names = "--blkio-weight-device", paramLabel = "PATH:WEIGHT",
      description = "block I/O weight of one device, like /dev/sda:300 (repeatable)")
  List<String> blkioWeightDevices = new ArrayList<>();

  @Option(names = "--device-read-bps", paramLabel = "PATH:RATE",
      description = "most bytes a second read from a device, like /dev/sda:1mb (repeatable)")
  List<String> deviceReadBps = new ArrayList<>();

  @Option(names = "--device-write-bps", paramLabel = "PATH:RATE",
      description = "most bytes a second written to a device, like /dev/sda:1mb (repeatable)")
  List<String> deviceWriteBps = new ArrayList<>();

  @Option(names = "--device-read-iops", paramLabel = "PATH:RATE",
      description = "most reads a second from a device, like /dev/sda:1000 (repeatable)")
  List<String> deviceReadIops = new ArrayList<>();

  @Option(names = "--device-write-iops", paramLabel = "PATH:RATE",
      description = "most writes a second to a device, like /dev/sda:1000 (repeatable)")
  List<String> deviceWriteIops = new ArrayList<>();

  @Option(names = "--device-cgroup-rule", paramLabel = "'TYPE MAJOR:MINOR PERMS'",
      description = "let the container use devices like these, as 'c 1:3 rwm' or 'c 81:* rw' (repeatable)")
  List<String> deviceCgroupRules = new ArrayList<>();

  @Option(names = "--annotation", paramLabel = "KEY=VALUE",
      description = "an annotation in the OCI spec the runtime is given (repeatable)")
  List<String> annotations = new ArrayList<>();

  @Option(names = "--volume-driver", paramLabel = "DRIVER", description = "the driver of the volumes -v makes: local, "
      + "the only one")
  String volumeDriver;

  @Option(names = "--storage-opt", paramLabel = "KEY=VALUE",
      description = "refused as Docker refuses it on overlayfs without project quotas (size=...)")
  List<String> storageOpts = new ArrayList<>();

  @Option(names = "--gpus", paramLabel = "REQUEST", description = "GPUs to add, like all: Berth has no GPU driver, so "
      + "the container is refused at start, as Docker refuses it without one")
  List<String> gpus = new ArrayList<>();

  @Option(names = "--restart", paramLabel = "POLICY", defaultValue = "no",
      description = "no (default), always, unless-stopped or on-failure[:N]; berthd restarts the container")
  String restart;

  @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "a label (repeatable)")
  List<String> labels = new ArrayList<>();

  @Option(names = {"-p", "--publish"}, paramLabel = "[IP:]HOST:CTR[/PROTO]",
      description = "publish a container port on the host; CTR alone picks a free host port (repeatable)")
  List<String> publish = new ArrayList<>();

  @Option(names = {"-P", "--publish-all"}, description = "publish every port the image exposes on free host ports")
  boolean publishAll;

  @Option(names = {"--network", "--net"}, paramLabel = "NETWORK",
      description = "bridge (default), host, none, container:NAME or a network's name; repeatable with "
          + "user-defined networks, which the container joins all (--ip, --ip6 and aliases apply to the first)")
  List<String> networks = new ArrayList<>();

  @Option(names = "--ip", paramLabel = "IP", description = "the container's address on a user-defined network")
  String ip;

  @Option(names = "--ip6", paramLabel = "IP",
      description = "the container's IPv6 address on a user-defined network created with --ipv6")
  String ip6;

  @Option(names = "--link-local-ip", paramLabel = "IP", description = "another address of the container's "
      + "interface on its first network, IPv4 (as a /16) or IPv6 (as a /64), like 169.254.1.5 (repeatable)")
  List<String> linkLocalIps = new ArrayList<>();

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "the platform the image must be for, pulled for it when missing (only this host's runs)")
  String platform;

  @Option(names = "--mac-address", paramLabel = "MAC",
      description = "the MAC address of the container's interface, like 02:42:ac:11:00:02")
  String macAddress;

  // --net-alias: Docker's older name, which its CLI still takes
  @Option(names = {"--network-alias", "--net-alias"}, paramLabel = "NAME",
      description = "another name peers on a user-defined network reach the container by (repeatable)")
  List<String> networkAliases = new ArrayList<>();

  @Option(names = "--dns", paramLabel = "IP", description = "a DNS server (repeatable)")
  List<String> dns = new ArrayList<>();

  @Option(names = "--dns-search", paramLabel = "DOMAIN", description = "a DNS search domain (repeatable)")
  List<String> dnsSearch = new ArrayList<>();

  // --dns-opt: Docker's older name, which its CLI still takes
  @Option(names = {"--dns-option", "--dns-opt"}, paramLabel = "OPTION", description = "a resolv.conf option like ndots:2 (repeatable)")
  List<String> dnsOptions = new ArrayList<>();

  @Option(names = "--domainname", paramLabel = "NAME", description = "the container's NIS domain name")
  String domainname;

  @Option(names = "--add-host", paramLabel = "NAME:IP",
      description = "an /etc/hosts entry; IP host-gateway is the host's address on the container's network (repeatable)")
  List<String> addHosts = new ArrayList<>();

  @Option(names = "--link", paramLabel = "CONTAINER[:ALIAS]", description = "legacy: /etc/hosts entries for a running "
      + "container's address on this container's network, under its name and ALIAS (repeatable; no environment "
      + "variables)")
  List<String> links = new ArrayList<>();

  @Option(names = "--privileged",
      description = "every capability and host device, /sys writable, nothing of /proc masked")
  boolean privileged;

  @Option(names = "--cap-add", paramLabel = "CAP", description = "add a capability, like NET_ADMIN, or ALL (repeatable)")
  List<String> capAdd = new ArrayList<>();

  @Option(names = "--cap-drop", paramLabel = "CAP", description = "drop a capability, or ALL (repeatable)")
  List<String> capDrop = new ArrayList<>();

  @Option(names = "--ulimit", converter = PflagTypes.Ulimit.class, paramLabel = "NAME=SOFT[:HARD]",
      description = "a resource limit, like nofile=1024:2048 (repeatable; -1 is unlimited; berthd refuses a hard "
          + "limit above its own)")
  List<String> ulimits = new ArrayList<>();

  @Option(names = "--shm-size", converter = PflagTypes.MemBytes.class,
      paramLabel = "SIZE", description = "size of /dev/shm, like 128m (default 64m)")
  String shmSize;

  @Option(names = "--pid", paramLabel = "MODE", description = "host: share the host's PID namespace")
  String pid;

  @Option(names = "--ipc", paramLabel = "MODE",
      description = "private or shareable (the default: the container's own IPC namespace), none (its own "
          + "without /dev/shm), or host")
  String ipc;

  @Option(names = "--uts", paramLabel = "MODE", description = "host: share the host's UTS namespace (its hostname)")
  String uts;

  @Option(names = "--sysctl", paramLabel = "KEY=VALUE",
      description = "a kernel parameter of the container's namespaces, like net.ipv4.ip_forward=1 (repeatable)")
  List<String> sysctls = new ArrayList<>();

  @Option(names = "--group-add", paramLabel = "GROUP",
      description = "another group for the process, by id or by name in the image's /etc/group (repeatable)")
  List<String> groupAdd = new ArrayList<>();

  @Option(names = "--security-opt", paramLabel = "OPT",
      description = "no-new-privileges[=true|false], seccomp=unconfined or seccomp=PROFILE.json (Docker's default "
          + "profile otherwise), apparmor=unconfined, label=disable (repeatable)")
  List<String> securityOpts = new ArrayList<>();

  @Option(names = "--device", paramLabel = "HOST[:CTR[:PERMS]]",
      description = "a host device in the container, like /dev/fuse or /dev/sda:/dev/xvda:r (repeatable)")
  List<String> devices = new ArrayList<>();

  @Option(names = "--label-file", paramLabel = "FILE",
      description = "labels from a file, a KEY=VALUE a line; # starts a comment (repeatable; -l adds to them)")
  List<Path> labelFiles = new ArrayList<>();

  @Option(names = "--expose", paramLabel = "PORT[/PROTO]",
      description = "a port (or range, like 8000-8002) the container exposes besides the image's; -P publishes it too")
  List<String> expose = new ArrayList<>();

  @Option(names = "--cidfile", paramLabel = "FILE", description = "write the container's id to FILE, which must not exist")
  Path cidFile;

  @Option(names = "--stop-timeout", converter = PflagTypes.Int64.class, paramLabel = "SECONDS",
      description = "seconds stop waits before SIGKILL unless its -t says otherwise (default 10; -1 no limit)")
  Long stopTimeout;

  @Option(names = "--stop-signal", paramLabel = "SIGNAL", description = "signal stop sends first (default SIGTERM)")
  String stopSignal;

  @Option(names = "--init", description = "run a small init as PID 1 that forwards signals and reaps zombies")
  boolean init;

  @Option(names = {"-i", "--interactive"}, description = "keep stdin open and forward it to the container")
  boolean interactive;

  @Option(names = {"-t", "--tty"}, description = "give the container a terminal")
  boolean tty;

  @Option(names = "--rm", description = "remove the container when it exits (berthd does it for a detached one; "
      + "an attached run also removes its anonymous volumes)")
  boolean autoRemove;

  /** When {@code run} and {@code create} pull the image first, as Docker's --pull says. */
  enum PullPolicy { missing, always, never }

  @Option(names = "--pull", paramLabel = "POLICY", defaultValue = "missing",
      description = "pull the image first: always, missing or never (default: ${DEFAULT-VALUE})")
  String pull;

  /**
   * {@code --pull}'s policy, checked as Docker's CLI checks it before anything else (its words,
   * and its exact lower-case names; empty is the default).
   */
  PullPolicy pullPolicy() {
    return switch (pull) {
      case "", "missing" -> PullPolicy.missing;
      case "always" -> PullPolicy.always;
      case "never" -> PullPolicy.never;
      default -> throw new InvalidValueException(
          "invalid pull option: '" + pull + "': must be one of \"always\", \"missing\" or \"never\"");
    };
  }

  @Option(names = {"-q", "--quiet"}, description = "print nothing of the image's pull (Docker's --quiet)")
  boolean quiet;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "the image")
  String image;

  @Parameters(index = "1..*", paramLabel = "COMMAND", description = "command and arguments (default: the image's)")
  List<String> command = new ArrayList<>();

  /** The flags as the client library takes them. */
  ContainerOptions toOptions() {
    ContainerOptions o = new ContainerOptions();
    o.name = name;
    o.env = env;
    o.envFiles = envFiles;
    o.workdir = workdir;
    o.user = user;
    o.entrypoint = entrypoint;
    o.hostname = hostname;
    o.volumes = volumes;
    o.mounts = mounts;
    // as Docker's CLI: -v ./site:/www binds the site directory where berthctl runs
    o.bindSourceBase = Path.of("").toAbsolutePath();
    o.tmpfs = tmpfs;
    o.volumesFrom = volumesFrom;
    o.readOnly = readOnly;
    o.memory = memory;
    o.memorySwap = memorySwap;
    o.memoryReservation = memoryReservation;
    o.kernelMemory = kernelMemory;
    o.oomKillDisable = oomKillDisable;
    o.memorySwappiness = memorySwappiness;
    o.cpus = cpus;
    o.logDriver = logDriver;
    o.logOpts = logOpts;
    o.health = new Healthcheck.Flags(healthCmd, healthInterval, healthTimeout, healthStartPeriod, healthRetries,
        healthStartInterval, noHealthcheck);
    o.cpuQuota = cpuQuota;
    o.cpuPeriod = cpuPeriod;
    o.oomScoreAdj = oomScoreAdj;
    o.cgroupParent = cgroupParent;
    o.cgroupns = cgroupns;
    o.runtime = runtime;
    o.userns = userns;
    o.cpuShares = cpuShares;
    o.cpusetCpus = cpusetCpus;
    o.cpusetMems = cpusetMems;
    o.pidsLimit = pidsLimit;
    o.blkioWeight = blkioWeight;
    o.blkioWeightDevices = blkioWeightDevices;
    o.deviceReadBps = deviceReadBps;
    o.deviceWriteBps = deviceWriteBps;
    o.deviceReadIops = deviceReadIops;
    o.deviceWriteIops = deviceWriteIops;
    o.deviceCgroupRules = deviceCgroupRules;
    o.annotations = annotations;
    o.volumeDriver = volumeDriver;
    o.storageOpts = storageOpts;
    o.gpus = gpus;
    o.restart = restart;
    o.labels = labels;
    o.publish = publish;
    o.publishAll = publishAll;
    if (!networks.isEmpty()) {
      o.network = networks.get(0);
      o.networkGiven = true;
      o.moreNetworks = networks.subList(1, networks.size());
    }
    o.ip = ip;
    o.ip6 = ip6;
    o.linkLocalIps = List.copyOf(linkLocalIps);
    o.macAddress = macAddress;
    o.platform = platform;
    o.dns = dns;
    o.dnsSearch = dnsSearch;
    o.dnsOptions = dnsOptions;
    o.domainname = domainname;
    o.networkAliases = networkAliases;
    o.addHosts = addHosts;
    o.links = links;
    o.stopSignal = stopSignal;
    o.stopTimeout = stopTimeout;
    o.labelFiles = labelFiles;
    o.expose = expose;
    o.privileged = privileged;
    o.capAdd = capAdd;
    o.capDrop = capDrop;
    o.ulimits = ulimits;
    o.shmSize = shmSize;
    o.pid = pid;
    o.ipc = ipc;
    o.uts = uts;
    o.sysctls = sysctls;
    o.groupAdd = groupAdd;
    o.securityOpts = securityOpts;
    o.devices = devices;
    o.init = init;
    o.interactive = interactive;
    o.tty = tty;
    o.autoRemove = autoRemove;
    o.image = image;
    o.command = command;
    return o;
  }
}
