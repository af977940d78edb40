package dev.berth.client.containers;

import berth.network.v1.GetNetworkRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import dev.berth.api.InvalidValueException;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.labels.ConnectedNetwork;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.HostEntrySpec;
import dev.berth.api.labels.IpLiterals;
import dev.berth.api.labels.LabelLists;
import dev.berth.api.labels.NetworkAliases;
import dev.berth.api.labels.PortSpec;
import dev.berth.api.labels.RestartPolicy;
import dev.berth.api.network.MacAddress;
import dev.berth.client.ClientException;
import dev.berth.client.ConflictException;
import dev.berth.client.InvalidParameterException;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.NewContainer;
import dev.berth.client.health.Healthcheck;
import dev.berth.client.images.ChainIds;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.images.Platform;
import dev.berth.client.spec.Capabilities;
import dev.berth.client.spec.EnvVars;
import dev.berth.client.spec.HostCpus;
import dev.berth.client.spec.HostDevices;
import dev.berth.client.spec.KeyValue;
import dev.berth.client.spec.KeyValueFile;
import dev.berth.client.spec.MountFlag;
import dev.berth.client.spec.MountRequest;
import dev.berth.client.spec.NamespaceType;
import dev.berth.client.spec.ResourceFlags;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecBuilder;
import dev.berth.client.spec.SwapLimit;
import dev.berth.client.spec.TmpfsSpec;
import dev.berth.client.spec.Ulimit;
import dev.berth.client.spec.UnknownUserException;
import dev.berth.client.spec.UserResolver;
import dev.berth.client.spec.VolumeSpec;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Creates a container record as {@code docker create} does, from {@link ContainerOptions}.
 * Everything that can be checked is checked first (option values, the image, the name, the
 * network, bind sources); only then are volumes and the snapshot made, and a failure after that
 * removes what was made (the undo). Failures a user can act on are {@link ClientException}s;
 * berthd's refusals come as its status.
 */
public final class ContainerCreator {
  /** tini, linked statically so that it runs in any image (Debian's package tini). */
  public static final Path INIT_BINARY = Path.of("/usr/bin/tini-static");
  private static final String NAME_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9_.-]+";
  private static final int NAME_ATTEMPTS = 10;
  private static final int VOLUME_ATTEMPTS = 3;
  private static final Path DEV_SHM = Path.of("/dev/shm");
  private static final Pattern EXPOSED_PORT = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/(tcp|udp|sctp))?");

  private final Channel channel;
  private final String namespace;
  private final Map<String, String> clientEnv;
  private final ContainerClient containers;
  private final ContainerVolumes volumes;

  /**
   * @param channel carries {@code namespace}
   * @param clientEnv the caller's environment, where {@code -e KEY} without a value finds it
   */
  public ContainerCreator(Channel channel, String namespace, Map<String, String> clientEnv) {
    this.channel = channel;
    this.namespace = namespace;
    this.clientEnv = clientEnv;
    this.containers = new ContainerClient(channel);
    this.volumes = new ContainerVolumes(VolumesGrpc.newBlockingStub(channel));
  }

  /** The flags' values, parsed and checked: nothing is asked of berthd yet. */
  private record Parsed(List<String> env, List<MountRequest> mounts, List<PortSpec> ports, RestartPolicy restart,
      Map<String, String> labels, List<HostEntrySpec> hosts, Long memory, Long memorySwap, Long memoryReservation,
      boolean oomKillDisable, Long memorySwappiness, LogConfig log, ResourceFlags.CpuQuota cpus,
      Long cpuShares, String cpuset, Long pidsLimit, List<Ulimit> ulimits, Long shmSize, List<ContainerLink> links) {}

  /**
   * What docker warns of when it creates a container with these options, each line without its
   * {@code WARNING: }: the OOM killer cannot be kept away on cgroup v2 (so the flag is dropped, as
   * docker drops it), and kept away without a memory limit a container can take the host's memory;
   * a swap limit the host cannot set is dropped (see {@link SwapLimit}); ports published with the
   * host's network are discarded.
   */
  public static List<String> warnings(ContainerOptions o) {
    ZeroResourceFlags.clear(o);
    List<String> warnings = new ArrayList<>(BlockIoOptions.parse(o).warnings());
    if (o.kernelMemory != null) {
      // Docker's daemon says so on kernels from 5.4 on (which deprecated kmem.limit_in_bytes) and on cgroup v2
      warnings.add("Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. "
          + "Limitation discarded.");
    }
    if (o.oomKillDisable && unifiedCgroups()) {
      warnings.add("Your kernel does not support OomKillDisable. OomKillDisable discarded.");
    } else if (o.oomKillDisable && o.memory == null) {
      warnings.add("Disabling the OOM killer on containers without setting a '-m/--memory' limit may be dangerous.");
    }
    if (o.memory != null && SwapLimit.dropped(ResourceFlags.memory(o.memory),
        o.memorySwap == null ? null : ResourceFlags.memorySwap(o.memorySwap), SwapLimit.hostAccountsSwap())) {
      warnings.add(SwapLimit.UNSUPPORTED);
    }
    if (swappinessAsked(o) && unifiedCgroups()) {
      warnings.add("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. "
          + "Memory swappiness discarded.");
    }
    if (hostNetwork(o) && (!o.publish.isEmpty() || o.publishAll)) {
      warnings.add("Published ports are discarded when using host network mode");
    }
    return warnings;
  }

  /** The host's own network: the container's ports are the host's, so none is published. */
  private static boolean hostNetwork(ContainerOptions o) {
    return "host".equals(o.network);
  }

  /**
   * Whether {@code --cgroupns MODE} gives the container a cgroup namespace of its own (in which
   * its cgroup is {@code /}): {@code private} does, {@code host} does not, and none is Docker's
   * default, private on a host that runs cgroup v2 alone and the host's otherwise.
   */
  static boolean privateCgroupNamespace(String mode) {
    if (mode == null || mode.isEmpty()) {
      return unifiedCgroups();
    }
    return switch (mode) {
      case "private" -> true;
      case "host" -> false;
      default -> throw InvalidValueException.of("--cgroupns", mode, "expected host or private");
    };
  }

  /** Whether {@code --memory-swappiness} asks for a value (-1 leaves the kernel's); one outside 0-100 is refused. */
  private static boolean swappinessAsked(ContainerOptions o) {
    if (o.memorySwappiness == null || o.memorySwappiness == -1) {
      return false;
    }
    if (o.memorySwappiness < 0 || o.memorySwappiness > 100) {
      throw InvalidValueException.of("memory swappiness", o.memorySwappiness.toString(),
          "valid memory swappiness range is 0-100");
    }
    return true;
  }

  /**
   * The OCI runtime binary for Docker's {@code --runtime NAME}: runc (berthd's default, also as
   * containerd's {@code io.containerd.runc.v2}) or crun; empty for the default.
   */
  static String runtimeBinary(String name) {
    if (name == null || name.equals("runc") || name.equals(ContainerClient.RUNTIME)) {
      return "";
    }
    if (name.equals("crun")) {
      return name;
    }
    throw new InvalidValueException("unknown or invalid runtime name: " + name + " (runc or crun)");
  }

  /** Whether the host runs cgroup v2 alone, as its root cgroup's controller list shows. */
  private static boolean unifiedCgroups() {
    return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
  }

  /**
   * Creates the container; its record names the new snapshot, spec and labels. A volume removed
   * (by {@code volume rm} or a prune) before the record named it makes creation start over, with
   * the volume made anew: the outcome Docker gives when the removal comes first.
   */
  public Container create(ContainerOptions o) {
    ZeroResourceFlags.clear(o);
    for (int attempt = 1; ; attempt++) {
      try {
        return createOnce(o);
      } catch (VolumesRemoved e) {
        if (attempt == VOLUME_ATTEMPTS) {
          throw new ClientException("volume " + String.join(", ", e.names)
              + " was removed (by volume rm or a prune) while the container was created, " + VOLUME_ATTEMPTS
              + " times over: create it again once nothing removes it");
        }
      }
    }
  }

  /** Volumes that were gone by the time the new record named them; the record is deleted again. */
  private static final class VolumesRemoved extends RuntimeException {
    private final List<String> names;

    VolumesRemoved(List<String> names) {
      super(null, null, false, false);
      this.names = names;
    }
  }

  private Container createOnce(ContainerOptions o) {
    refuseRepeatedNetworks(o);
    Parsed parsed = parse(o, volumesFrom(o));
    NetworkModeConflicts.refuse(o);
    IsolationFlags isolation = IsolationFlags.parse(o).withDonorIds(containers);
    BlockIoOptions blockIo = BlockIoOptions.parse(o);
    HostConfigFlags hostFlags = HostConfigFlags.parse(o);
    ImageClient images = new ImageClient(channel);
    Image image;
    try {
      image = images.resolve(o.image);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new ClientException("No such image: " + o.image);
      }
      throw e;
    }
    if (o.platform != null) {
      requirePlatform(images, image, o.image, Platform.parse(o.platform));
    }
    ImageConfig imageConfig = images.config(image);
    refuseVolumeDriver(hostFlags, parsed.mounts(), o.volumes.size(), imageConfig);
    // as Docker's daemon, when it makes the container's layer
    hostFlags.refuseStorageOpts();
    Optional<Healthcheck> healthcheck = Healthcheck.of(imageConfig.healthcheck(), o.health);
    String id = ContainerClient.newId();
    String name = o.name != null ? checkedName(o.name) : generatedName();
    String network = network(o, parsed);
    List<ConnectedNetwork> connected = connectedNetworks(o, network);
    // as in Docker, -v makes a missing host directory and --mount refuses it
    List<MountRequest> shortForm = parsed.mounts().subList(0, o.volumes.size());
    List<Path> missingSources = new ArrayList<>();
    for (MountRequest m : parsed.mounts()) {
      if (m instanceof VolumeSpec v && v.kind() == VolumeSpec.Kind.BIND && !Files.exists(Path.of(v.source()))) {
        if (!shortForm.contains(m)) {
          throw new ClientException("invalid mount config: bind source path does not exist: " + v.source());
        }
        missingSources.add(Path.of(v.source()));
      }
    }
    if (o.init && !Files.isExecutable(INIT_BINARY)) {
      throw new ClientException("--init needs " + INIT_BINARY + " on this host (Debian's package tini)");
    }
    for (Path source : missingSources) {
      try {
        Files.createDirectories(source);
      } catch (IOException e) {
        throw new ClientException("cannot create bind source directory " + source + ": " + e.getMessage(), e);
      }
    }
    Deque<Runnable> undo = new ArrayDeque<>();
    try {
      ContainerConfig config = ContainerConfig.empty();
      config.imageId(image.target().digest());
      SpecBuilder spec = SpecBuilder.create(namespace, id).image(imageConfig).ownGroupSupplementary();
      List<VolumeSeeder.Target> volumeDirs = new ArrayList<>();
      Set<String> tmpfsFlags = o.tmpfs.stream().map(t -> TmpfsSpec.parse(t).target()).collect(Collectors.toSet());
      List<MountRequest> allMounts = withImageVolumes(parsed.mounts(), imageConfig);
      List<String> volumeNames = mountVolumes(allMounts, tmpfsFlags, spec, config.mounts(), volumeDirs, undo);
      List<HostEntrySpec> hosts = new ArrayList<>(hostEntries(parsed.hosts(), network));
      for (ContainerLink link : parsed.links()) {
        hosts.addAll(link.hostEntries(channel, network, name));
      }
      Map<String, String> labels = labels(o, parsed, name, network, hosts, volumeNames);
      connected.forEach(n -> labels.putAll(n.labels()));
      isolation.label(labels, ownsDevShm(allMounts));
      if (o.publishAll && !hostNetwork(o)) {
        publishAll(labels, imageConfig, exposedPorts(o.expose));
      }
      List<String> entrypoint = o.entrypoint != null
          ? (o.entrypoint.isEmpty() ? List.of() : List.of(o.entrypoint)) : imageConfig.entrypoint();
      List<String> cmd = !o.command.isEmpty() ? o.command : o.entrypoint != null ? List.of() : imageConfig.cmd();
      if (entrypoint.isEmpty() && cmd.isEmpty()) {
        // the image has neither entrypoint nor cmd, or --entrypoint '' reset them with no command given
        throw new InvalidParameterException("no command specified");
      }
      List<String> processEntrypoint = new ArrayList<>();
      if (o.init) {
        processEntrypoint.addAll(List.of(InitProcess.PATH, "--"));
        spec.mount(new Spec.Mount(InitProcess.PATH, "bind", INIT_BINARY.toString(), List.of("rbind", "ro")));
      }
      processEntrypoint.addAll(entrypoint);
      spec.entrypoint(processEntrypoint).args(cmd).env(parsed.env()).terminal(o.tty).consoleSize(o.consoleSize)
          .readOnlyRootfs(o.readOnly);
      if (o.workdir != null) {
        spec.workingDir(o.workdir);
      }
      if (o.user != null) {
        spec.user(o.user);
      }
      applyNetwork(spec, network, o.hostname);
      if (o.domainname != null) {
        spec.domainname(o.domainname);
      }
      if (o.oomScoreAdj != null) {
        spec.oomScoreAdj(o.oomScoreAdj.intValue());
      }
      if (o.cgroupParent != null) {
        spec.cgroupsPath(cgroupsPath(o.cgroupParent, id));
      }
      if (privateCgroupNamespace(o.cgroupns)) {
        spec.cgroupNamespace();
      }
      applyResources(spec, parsed);
      blockIo.applyTo(spec);
      hostFlags.applyTo(spec);
      applySecurity(spec, o, parsed);
      isolation.applyTo(spec);
      String user = o.user != null ? o.user : imageConfig.user();
      // names are looked up in the image's /etc/passwd and /etc/group
      boolean names = !user.matches("[0-9]*(:[0-9]*)?") || isolation.namesGroups();
      // as Docker: an empty volume gets the image's files at its path on its first mount
      List<VolumeSeeder.Target> empty = volumeDirs.stream().filter(VolumeSeeder.Target::empty).toList();
      Spec built;
      if (!names && empty.isEmpty()) {
        built = spec.rootfsFiles(RootfsFiles.none()).build();
      } else {
        try (ImageRootfs rootfs = ImageRootfs.mount(channel, containers.unpacked(image))) {
          empty.forEach(v -> VolumeSeeder.seed(rootfs.dir(), v));
          RootfsFiles files = names ? rootfs.files() : RootfsFiles.none();
          if (!resolvable(user, o.groupAdd, files)) {
            // as Docker's daemon, which looks the user up when the container starts
            spec.userAtStart();
            // the image's default user (none: root) by its id, as an empty label would mean nothing waits
            labels.put(ContainerLabels.USER_AT_START, user.isEmpty() ? "0" : user);
          }
          built = spec.rootfsFiles(files).build();
        }
      }
      describe(config, o, parsed, isolation, imageConfig, built, entrypoint, cmd, network, name);
      blockIo.describe(config.hostConfig());
      hostFlags.describe(config.hostConfig());
      healthcheck.ifPresent(check -> check.writeTo(config.config().putObject("Healthcheck")));
      // the chain ID from the config read above: found again, it would cost the manifest's and config's reads
      Container created;
      try {
        created = containers.create(new NewContainer(id, image, built, labels,
            Map.of(ContainerConfig.EXTENSION, config.toAny()), runtimeBinary(o.runtime)),
            o.snapshotParent != null ? o.snapshotParent : ChainIds.top(imageConfig.diffIds()));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS && o.name != null) {
          // another client took the name since the check above: its conflict, with the container holding it
          checkedName(name);
        }
        throw e;
      }
      List<String> removed = volumes.removed(volumeNames);
      if (!removed.isEmpty()) {
        containers.delete(created);
        throw new VolumesRemoved(removed);
      }
      return created;
    } catch (RuntimeException e) {
      undo.forEach(Runnable::run);
      throw e;
    }
  }

  /** The flags' values, and the mounts {@code inherited} from other containers. */
  private Parsed parse(ContainerOptions o, List<MountRequest> inherited) {
    List<String> env = new ArrayList<>();
    for (Path file : o.envFiles) {
      env.addAll(EnvVars.read(file, clientEnv));
    }
    for (String e : o.env) {
      EnvVars.fromFlag(e, clientEnv).ifPresent(env::add);
    }
    List<MountRequest> mounts = new ArrayList<>();
    o.volumes.forEach(v -> mounts.add(VolumeSpec.parse(v, o.bindSourceBase)));
    o.mounts.forEach(m -> mounts.add(MountFlag.parse(m, o.bindSourceBase)));
    o.tmpfs.forEach(t -> mounts.add(TmpfsSpec.parse(t)));
    Set<String> asked = mounts.stream().map(MountRequest::target).collect(Collectors.toSet());
    // what --volumes-from brings, where no mount of the container's own goes, as docker does
    inherited.stream().filter(m -> !asked.contains(m.target())).forEach(mounts::add);
    List<PortSpec> ports = new ArrayList<>();
    for (String p : o.publish) {
      ports.addAll(PortSpec.parseRange(p));
    }
    if (hostNetwork(o)) {
      ports.clear();
    }
    Map<String, String> labels = new TreeMap<>();
    for (Path file : o.labelFiles) {
      labels.putAll(labelFile(file));
    }
    o.labels.forEach(l -> {
      KeyValue kv = KeyValue.parse("label", l);
      labels.put(kv.key(), kv.value());
    });
    List<HostEntrySpec> hosts = o.addHosts.stream().map(HostEntrySpec::parse).toList();
    List<ContainerLink> links = o.links.stream().map(ContainerLink::parse).toList();
    ContainerLink.checkNetworkMode(links, o.network);
    for (String server : o.dns) {
      if (!IpLiterals.isIp(server)) {
        throw InvalidValueException.of("DNS server", server, "not an IP address");
      }
    }
    if (o.platform != null) {
      try {
        Platform.parse(o.platform);
      } catch (BerthException e) {
        throw InvalidValueException.of("platform", o.platform, "os/arch[/variant], like linux/amd64");
      }
    }
    if (o.macAddress != null) {
      try {
        MacAddress.parse(o.macAddress);
      } catch (BerthException e) {
        throw InvalidValueException.of("MAC address", o.macAddress, "six hex pairs separated by colons, unicast");
      }
    }
    o.networkAliases.forEach(NetworkAliases::checked);
    for (String domain : o.dnsSearch) {
      if (domain.isBlank() || domain.contains(",") || domain.chars().anyMatch(Character::isWhitespace)) {
        throw InvalidValueException.of("DNS search domain", domain, "a domain name without spaces or commas");
      }
    }
    for (String option : o.dnsOptions) {
      if (option.isBlank() || option.contains(",") || option.chars().anyMatch(Character::isWhitespace)) {
        throw InvalidValueException.of("DNS option", option, "one resolv.conf option like ndots:2");
      }
    }
    if (o.stopSignal != null) {
      try {
        Signals.parse(o.stopSignal);
      } catch (ClientException e) {
        // Docker's daemon refuses it, in the words Signals uses for kill -s
        throw new InvalidParameterException(e.getMessage());
      }
    }
    if (o.oomScoreAdj != null && (o.oomScoreAdj < -1000 || o.oomScoreAdj > 1000)) {
      throw new InvalidParameterException("Invalid value " + o.oomScoreAdj + ", range for oom score adj is [-1000, 1000]");
    }
    if (o.stopTimeout != null && o.stopTimeout < -1) {
      throw InvalidValueException.of("stop timeout", o.stopTimeout.toString(), "seconds, or -1 to wait as long as it takes");
    }
    if (o.name != null && !o.name.replaceFirst("^/", "").matches(NAME_PATTERN)) {
      throw new InvalidParameterException(
          "Invalid container name (" + o.name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    runtimeBinary(o.runtime);
    if (o.userns != null && !o.userns.isEmpty() && !o.userns.equals("host")) {
      throw InvalidValueException.of("--userns", o.userns,
          "only host is supported: berthd remaps no user ids (Docker's userns-remap)");
    }
    privateCgroupNamespace(o.cgroupns);
    RestartPolicy restart;
    try {
      restart = RestartPolicy.parse(o.restart);
    } catch (RestartPolicy.Invalid e) {
      throw new InvalidParameterException(e.getMessage());
    }
    if (o.autoRemove && restart.mode() != RestartPolicy.Mode.NO) {
      throw new ClientException("Conflicting options: --restart and --rm");
    }
    Long memory = o.memory == null ? null : ResourceFlags.memory(o.memory);
    if (o.kernelMemory != null) {
      ResourceFlags.bytes("kernel memory limit", o.kernelMemory);
    }
    return new Parsed(env, mounts, ports, restart, labels, hosts, memory,
        SwapLimit.of(memory, o.memorySwap == null ? null : ResourceFlags.memorySwap(o.memorySwap),
            SwapLimit.hostAccountsSwap()),
        o.memoryReservation == null ? null : ResourceFlags.bytes("memory reservation", o.memoryReservation),
        o.oomKillDisable && !unifiedCgroups(),
        swappinessAsked(o) && !unifiedCgroups() ? o.memorySwappiness : null,
        LogConfig.of(o.logDriver, o.logOpts),
        cpuQuota(o),
        o.cpuShares == null ? null : ResourceFlags.cpuShares(o.cpuShares),
        o.cpusetCpus == null ? null : HostCpus.cpuset(o.cpusetCpus),
        o.pidsLimit == null ? null : ResourceFlags.pidsLimit(o.pidsLimit),
        o.ulimits.stream().map(Ulimit::parse).toList(),
        o.shmSize == null ? null : ResourceFlags.bytes("shm size", o.shmSize),
        links);
  }

  /**
   * As docker with {@code --platform}: the image must be one for {@code wanted}, and Berth, which
   * emulates no other machine, runs only this host's platform.
   */
  private static void requirePlatform(ImageClient images, Image image, String reference, Platform wanted) {
    Platform here = Platform.current();
    if (!images.provides(image, wanted)) {
      throw new ClientException("image with reference " + reference + " was found but does not match the specified"
          + " platform: wanted " + wanted + ", actual: " + images.config(image).platform());
    }
    if (!here.matches(wanted)) {
      throw new ClientException("cannot run a " + wanted + " image on this " + here
          + " host: Berth does not emulate other platforms");
    }
  }

  /** {@code --cpus}, or {@code --cpu-quota} and {@code --cpu-period}, which docker refuses together. */
  private static ResourceFlags.CpuQuota cpuQuota(ContainerOptions o) {
    if (o.cpus != null && o.cpuPeriod != null) {
      throw new ClientException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
    }
    if (o.cpus != null && o.cpuQuota != null) {
      throw new ClientException("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
    }
    if (o.cpus != null) {
      return HostCpus.cpus(o.cpus);
    }
    return o.cpuQuota == null && o.cpuPeriod == null ? null : ResourceFlags.cfs(o.cpuQuota, o.cpuPeriod);
  }

  /**
   * The container's cgroup under {@code --cgroup-parent}: a path of names, relative to the root of
   * the cgroup hierarchies however it is written, as docker's cgroupfs driver takes it.
   */
  private static String cgroupsPath(String parent, String id) {
    String trimmed = parent.replaceAll("^/+|/+$", "");
    if (trimmed.isEmpty() || !trimmed.matches("[a-zA-Z0-9_.@-]+(/[a-zA-Z0-9_.@-]+)*")
        || List.of(trimmed.split("/")).stream().anyMatch(n -> n.equals("..") || n.equals("."))) {
      throw InvalidValueException.of("cgroup parent", parent, "a path of cgroup names, like /batch or jobs/low");
    }
    return "/" + trimmed + "/" + id;
  }

  /**
   * The volumes and bind mounts of the containers {@code --volumes-from} names
   * ({@code NAME[:ro|:rw]}), at the same paths and read-only as they are there unless the suffix
   * says otherwise; tmpfs mounts stay behind, as in docker. An anonymous volume stays anonymous,
   * so that {@code rm -v} removes it with the last container that uses it, as Docker's daemon does.
   * As Docker's daemon, the new container never seeds these volumes from its image.
   */
  private List<MountRequest> volumesFrom(ContainerOptions o) {
    List<MountRequest> inherited = new ArrayList<>();
    for (String from : o.volumesFrom) {
      String[] parts = from.split(":", -1);
      if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && !List.of("ro", "rw").contains(parts[1]))) {
        throw InvalidValueException.of("volumes-from", from, "a container, then :ro or :rw if you like");
      }
      Container source;
      try {
        source = containers.resolve(parts[0]);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          throw NoSuchObjectException.container(parts[0]);
        }
        throw e;
      }
      for (JsonNode m : ContainerConfig.of(source).mounts()) {
        String type = m.path("Type").asText();
        if (!type.equals("volume") && !type.equals("bind")) {
          continue;
        }
        boolean readOnly = parts.length == 2 ? parts[1].equals("ro") : !m.path("RW").asBoolean(true);
        String target = m.path("Destination").asText();
        inherited.add(type.equals("bind")
            ? new VolumeSpec(VolumeSpec.Kind.BIND, m.path("Source").asText(), target, readOnly,
                VolumeSpec.DEFAULT_PROPAGATION)
            // never seeded from this container's image (Docker's CopyData false)
            : new VolumeSpec(m.path("Anonymous").asBoolean(false) ? VolumeSpec.Kind.ANONYMOUS : VolumeSpec.Kind.NAMED,
                m.path("Name").asText(), target, readOnly, VolumeSpec.DEFAULT_PROPAGATION, true));
      }
    }
    return inherited;
  }

  /** {@code name} if no container has it yet. */
  private String checkedName(String given) {
    String name = given.startsWith("/") ? given.substring(1) : given;
    List<Container> holders = containers.list("labels.\"" + ContainerLabels.NAME + "\"==\"" + name + "\"");
    if (!holders.isEmpty()) {
      throw new ConflictException("Conflict. The container name \"/" + name
          + "\" is already in use by container \"" + holders.get(0).getId()
          + "\". You have to remove (or rename) that container to be able to reuse that name.");
    }
    return name;
  }

  private String generatedName() {
    for (int attempt = 0; ; attempt++) {
      String name = NameGenerator.next(attempt / NAME_ATTEMPTS);
      if (containers.list("labels.\"" + ContainerLabels.NAME + "\"==\"" + name + "\"").isEmpty()) {
        return name;
      }
    }
  }

  /**
   * The network label: bridge, host, none, container:ID or the name of a network that exists
   * (given by name, id or id prefix, kept by name as Docker's daemon keeps it).
   */
  private String network(ContainerOptions o, Parsed parsed) {
    String mode = o.network;
    boolean bridged = !mode.equals("host") && !mode.equals("none") && !mode.startsWith("container:");
    // with the host's network, docker discards them with a warning (see warnings)
    if (mode.equals("none") && (!parsed.ports().isEmpty() || o.publishAll)) {
      throw new ClientException("conflicting options: port publishing and the network mode " + mode);
    }
    // before anything is made, as Docker's daemon checks them when it creates the container; its
    // CLI names the network "default" when --network is not given
    String heading = "invalid config for network " + (o.networkGiven ? mode : "default") + ": ";
    if (!bridged) {
      RequestedAddresses.check(heading, null, o.ip, o.ip6, o.linkLocalIps, o.networkAliases);
    }
    if (mode.startsWith("container:")) {
      ContainerState other = ContainerState.of(channel, containers.resolve(mode.substring("container:".length())));
      if (!other.running()) {
        throw new ClientException("cannot join the network of container " + other.name() + ": it is not running");
      }
      return "container:" + other.id();
    }
    if (!bridged) {
      return mode;
    }
    Network found = mode.equals("bridge") ? null : lookUp(mode);
    boolean userDefined = found != null && !found.getIsDefault();
    RequestedAddresses.check(heading, userDefined ? found : null, o.ip, o.ip6, o.linkLocalIps, o.networkAliases);
    return found == null ? mode : found.getName();
  }

  /** The network named, or with that id or id prefix. */
  private Network lookUp(String nameOrId) {
    try {
      return NetworksGrpc.newBlockingStub(channel).get(GetNetworkRequest.newBuilder().setName(nameOrId).build())
          .getNetwork();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw NoSuchObjectException.network(nameOrId, e);
      }
      throw e;
    }
  }

  /**
   * The networks of {@code --network} given again, as Docker 27 attaches a container to all of them
   * at create: each a user-defined network that exists, beside {@code first}, the first one's name.
   * They are kept by name, as {@code network connect} keeps the networks it adds.
   */
  private List<ConnectedNetwork> connectedNetworks(ContainerOptions o, String first) {
    // by name, so that a network given once by name and once by id is joined once
    Set<String> names = new HashSet<>(List.of(first));
    List<ConnectedNetwork> connected = new ArrayList<>();
    for (String given : o.moreNetworks) {
      String name = lookUp(given).getName();
      if (names.add(name)) {
        connected.add(new ConnectedNetwork(name, "", List.of()));
      }
    }
    return connected;
  }

  /**
   * Refuses {@code --network} given again as Docker's CLI does before it asks its daemon anything:
   * the same network twice, or a network mode (bridge, host, none, container:) beside another network.
   */
  private static void refuseRepeatedNetworks(ContainerOptions o) {
    if (o.moreNetworks.isEmpty()) {
      return;
    }
    List<String> all = new ArrayList<>(List.of(o.network));
    all.addAll(o.moreNetworks);
    Set<String> seen = new HashSet<>();
    for (String given : all) {
      if (!seen.add(given)) {
        // Docker's CLI's words; it refuses the flags before asking its daemon anything
        throw new InvalidValueException("network \"" + given + "\" is specified multiple times");
      }
    }
    if (all.stream().allMatch(ContainerCreator::predefined)) {
      // Docker's CLI lets these through, for its daemon to refuse
      throw new ClientException(
          "conflicting options: only one of the network modes bridge, host, none and container: can be given");
    }
    if (all.stream().anyMatch(ContainerCreator::predefined)) {
      // Docker's CLI's words
      throw new InvalidValueException(
          "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
    }
  }

  private static boolean predefined(String mode) {
    return mode.equals("bridge") || mode.equals("default") || mode.equals("host") || mode.equals("none")
        || mode.startsWith("container:");
  }

  /**
   * The {@code --add-host} entries with {@code host-gateway} replaced by the host's address on
   * the container's network (its gateway), as Docker does; other network modes take the default
   * bridge's, Docker's default host-gateway address.
   */
  private List<HostEntrySpec> hostEntries(List<HostEntrySpec> hosts, String network) {
    if (hosts.stream().noneMatch(h -> h.ip().equals(HostEntrySpec.HOST_GATEWAY))) {
      return hosts;
    }
    boolean own = !network.equals("host") && !network.equals("none") && !network.startsWith("container:");
    String gateway = NetworksGrpc.newBlockingStub(channel).get(GetNetworkRequest.newBuilder()
        .setName(own ? network : "bridge").build()).getNetwork().getGateway();
    return hosts.stream().map(h -> h.ip().equals(HostEntrySpec.HOST_GATEWAY) ? new HostEntrySpec(h.hostname(), gateway)
        : h).toList();
  }

  /**
   * Whether the user mounts something of their own on /dev/shm (a tmpfs, a volume, a bind, an
   * image's volume): Docker's daemon then keeps that mount, with its options, even for
   * {@code --ipc shareable}, and refuses those that would join it as non-shareable.
   */
  private static boolean ownsDevShm(List<MountRequest> mounts) {
    return mounts.stream().anyMatch(m -> Path.of(m.target()).normalize().equals(DEV_SHM));
  }

  /**
   * Binds, tmpfs and volumes into the spec and their docker description into {@code described};
   * named volumes are looked up or created, anonymous ones created. Returns the volume names;
   * their directories go to {@code volumeDirs}. The tmpfs of {@code --tmpfs} at
   * {@code tmpfsFlags} are no mount points in Docker's sense (HostConfig.Tmpfs lists them), so
   * they are not described; a {@code --mount} tmpfs is.
   */
  private List<String> mountVolumes(List<MountRequest> mounts, Set<String> tmpfsFlags, SpecBuilder spec,
      ArrayNode described, List<VolumeSeeder.Target> volumeDirs, Deque<Runnable> undo) {
    List<String> names = new ArrayList<>();
    for (MountRequest m : mounts) {
      if (m instanceof TmpfsSpec t) {
        spec.mount(t);
        if (!tmpfsFlags.contains(t.target())) {
          // Docker's Mode is -v's mode word, which no tmpfs has: its options are HostConfig.Mounts' TmpfsOptions
          described.addObject().put("Type", "tmpfs").put("Source", "").put("Destination", t.target())
              .put("Mode", "").put("RW", !t.options().contains("ro")).put("Propagation", "");
        }
        continue;
      }
      ObjectNode d = described.addObject();
      VolumeSpec v = (VolumeSpec) m;
      if (v.kind() == VolumeSpec.Kind.BIND) {
        spec.mount(v);
        d.put("Type", "bind").put("Source", v.source());
      } else {
        // an anonymous volume with a name is one --volumes-from brings: Docker's daemon looks it up and
        // never makes it anew (as named) when it was removed since
        Volume volume = v.kind() == VolumeSpec.Kind.ANONYMOUS && !v.source().isEmpty()
            ? volumes.inherited(v.source())
            : volumes.volume(v.source(), v.driverOptions(), v.volumeLabels(), undo);
        spec.volume(v, Path.of(volume.getMountpoint()));
        names.add(volume.getName());
        if (!v.noCopy()) {
          volumeDirs.add(new VolumeSeeder.Target(v.target(), Path.of(volume.getMountpoint())));
        }
        d.put("Type", "volume").put("Name", volume.getName()).put("Source", volume.getMountpoint())
            .put("Driver", volume.getDriver()).put("Anonymous", v.kind() == VolumeSpec.Kind.ANONYMOUS);
      }
      // Docker's MountPoint has a propagation for a bind only: a volume's is empty
      d.put("Destination", v.target()).put("Mode", v.readOnly() ? "ro" : "").put("RW", !v.readOnly())
          .put("Propagation", v.kind() == VolumeSpec.Kind.BIND ? v.propagation() : "");
    }
    return names;
  }

  /**
   * {@code --volume-driver} applies to the volumes {@code -v} and the image's {@code VOLUME}s make
   * (Docker's CLI ignores it for {@code --mount}'s), so only with one of them is a driver other
   * than local refused.
   */
  private static void refuseVolumeDriver(HostConfigFlags flags, List<MountRequest> mounts, int shortForm,
      ImageConfig image) {
    List<MountRequest> all = withImageVolumes(mounts, image);
    for (int i = 0; i < all.size(); i++) {
      if ((i < shortForm || i >= mounts.size()) && all.get(i) instanceof VolumeSpec v
          && v.kind() != VolumeSpec.Kind.BIND) {
        flags.refuseVolumeDriver(v.source());
      }
    }
  }

  /**
   * The mounts asked for, plus an anonymous volume for each of the image's {@code VOLUME}s that
   * none of them covers, as Docker makes them: the image's data directories are then writable
   * and outlive the container's snapshot.
   */
  private static List<MountRequest> withImageVolumes(List<MountRequest> asked, ImageConfig image) {
    List<MountRequest> all = new ArrayList<>(asked);
    for (String path : image.volumes()) {
      String target = MountRequest.containerPath("image volume", path,
          path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
      if (asked.stream().noneMatch(m -> m.target().equals(target))) {
        all.add(new VolumeSpec(VolumeSpec.Kind.ANONYMOUS, "", target, false, VolumeSpec.DEFAULT_PROPAGATION));
      }
    }
    return all;
  }

  private static void applyNetwork(SpecBuilder spec, String network, String hostname) {
    if (network.equals("host")) {
      spec.hostNamespace(NamespaceType.NETWORK);
      spec.hostNamespace(NamespaceType.UTS);
    } else if (hostname != null) {
      spec.hostname(hostname);
    }
  }

  private static void applyResources(SpecBuilder spec, Parsed p) {
    if (p.memory() != null) {
      spec.memory(p.memory());
    }
    // where swap is not counted, runc could write no limit on it, not even none (-1)
    if (p.memorySwap() != null && SwapLimit.hostAccountsSwap()) {
      spec.memorySwap(p.memorySwap());
    }
    if (p.memoryReservation() != null) {
      spec.memoryReservation(p.memoryReservation());
    }
    if (p.memorySwappiness() != null) {
      spec.memorySwappiness(p.memorySwappiness());
    }
    if (p.oomKillDisable()) {
      spec.oomKillDisable();
    }
    if (p.cpus() != null) {
      spec.cpus(p.cpus());
    }
    if (p.cpuShares() != null) {
      spec.cpuShares(p.cpuShares());
    }
    if (p.cpuset() != null) {
      spec.cpusetCpus(p.cpuset());
    }
    if (p.pidsLimit() != null) {
      spec.pidsLimit(p.pidsLimit());
    }
  }

  private static void applySecurity(SpecBuilder spec, ContainerOptions o, Parsed p) {
    if (o.privileged || o.capAdd.stream().anyMatch(c -> c.equalsIgnoreCase("ALL"))) {
      // runc grants no capability outside the bounding set of berthd, this host's as ours
      spec.allCapabilities(Capabilities.bounding());
    }
    if (o.privileged) {
      spec.privileged(HostDevices.list());
    }
    spec.capabilities(o.capAdd, o.capDrop);
    p.ulimits().forEach(spec::ulimit);
    if (p.shmSize() != null) {
      spec.shmSize(p.shmSize());
    }
  }

  /**
   * Whether the user's names and the {@code --group-add} names are in the image's files; a
   * malformed user is refused here.
   */
  private static boolean resolvable(String user, List<String> groupAdd, RootfsFiles files) {
    try {
      UserResolver.resolve(user, files);
      groupAdd.forEach(g -> UserResolver.groupId(g, files));
      return true;
    } catch (UnknownUserException e) {
      return false;
    }
  }

  private static Map<String, String> labels(ContainerOptions o, Parsed p, String name, String network,
      List<HostEntrySpec> hosts, List<String> volumeNames) {
    Map<String, String> labels = new TreeMap<>(p.labels());
    labels.put(ContainerLabels.NAME, name);
    labels.put(ContainerLabels.CREATED_BY, "berthctl");
    labels.put(ContainerLabels.NETWORK, network);
    labels.put(ContainerLabels.RESTART_POLICY, p.restart().toString());
    if (o.autoRemove && !o.detach) {
      // the client that starts it attached removes it; berthd, if that client goes first
      labels.put(ContainerLabels.AUTO_REMOVE, ContainerLabels.AUTO_REMOVE_ATTACHED);
    }
    putJoined(labels, ContainerLabels.PORTS, p.ports().stream().map(PortSpec::labelValue).toList());
    if (o.hostname != null) {
      labels.put(ContainerLabels.HOSTNAME, o.hostname);
    }
    if (o.ip != null) {
      labels.put(ContainerLabels.IP, o.ip);
    }
    if (o.ip6 != null) {
      labels.put(ContainerLabels.IP6, o.ip6);
    }
    String mac = ownInterfaceMac(o, network);
    if (mac != null) {
      labels.put(ContainerLabels.MAC_ADDRESS, mac);
    }
    // with host and none too, where no interface takes them, as Docker keeps them on the endpoint
    // (inspect's IPAMConfig); container:X has no endpoint of its own
    if (!network.startsWith("container:") && !o.linkLocalIps.isEmpty()) {
      labels.put(ContainerLabels.LINK_LOCAL_IPS, LabelLists.join(o.linkLocalIps));
    }
    if (o.interactive) {
      labels.put(ContainerLabels.OPEN_STDIN, ContainerLabels.TRUE);
    }
    putJoined(labels, ContainerLabels.DNS, o.dns);
    putJoined(labels, ContainerLabels.DNS_SEARCH, o.dnsSearch);
    putJoined(labels, ContainerLabels.DNS_OPTIONS, o.dnsOptions);
    p.log().label(labels);
    putJoined(labels, ContainerLabels.NETWORK_ALIASES, o.networkAliases);
    putJoined(labels, ContainerLabels.ADD_HOSTS, hosts.stream().map(HostEntrySpec::labelValue).toList());
    putJoined(labels, ContainerLabels.VOLUMES, volumeNames);
    return labels;
  }

  /** Adds the image's exposed ports for {@code -P} to the ports label (each on a free host port). */
  private static void publishAll(Map<String, String> labels, ImageConfig image, List<String> expose) {
    List<String> ports = new ArrayList<>(LabelLists.split(labels.get(ContainerLabels.PORTS)));
    List<String> all = new ArrayList<>(image.exposedPorts());
    all.addAll(expose);
    for (String exposed : all) {
      String[] parts = exposed.split("/");
      ports.add("0:" + parts[0] + "/" + (parts.length > 1 ? parts[1] : PortSpec.TCP));
    }
    putJoined(labels, ContainerLabels.PORTS, ports);
  }

  /**
   * {@code --label-file}: read as Docker's CLI reads it ({@link KeyValueFile}), where a line that
   * is only a key, having nothing to look its value up in, is left out.
   */
  private static Map<String, String> labelFile(Path file) {
    Map<String, String> labels = new TreeMap<>();
    for (String line : KeyValueFile.read(file, key -> Optional.empty())) {
      KeyValue kv = KeyValue.parse("label", line);
      labels.put(kv.key(), kv.value());
    }
    return labels;
  }

  /** {@code --expose} values as PORT/PROTO, a range ({@code 8000-8002}) as each of its ports. */
  private static List<String> exposedPorts(List<String> flags) {
    List<String> ports = new ArrayList<>();
    for (String flag : flags) {
      Matcher m = EXPOSED_PORT.matcher(flag);
      if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535
          || m.group(2) != null && (Integer.parseInt(m.group(2)) < Integer.parseInt(m.group(1))
              || Integer.parseInt(m.group(2)) > 65535)) {
        throw InvalidValueException.of("exposed port", flag, "expected PORT[/PROTO] or a range like 8000-8002/tcp");
      }
      int from = Integer.parseInt(m.group(1));
      int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
      for (int port = from; port <= to; port++) {
        ports.add(port + "/" + (m.group(3) == null ? PortSpec.TCP : m.group(3)));
      }
    }
    return ports;
  }

  private static void putJoined(Map<String, String> labels, String key, List<String> values) {
    String joined = LabelLists.join(values);
    if (joined != null) {
      labels.put(key, joined);
    }
  }

  /**
   * {@code --mac-address} for the container's own interface, or null. Without one Docker 27's
   * daemon (API 1.44 and later, where the address is the endpoint's) takes the flag and does
   * nothing with it, as it does {@code --link-local-ip}.
   */
  private static String ownInterfaceMac(ContainerOptions o, String network) {
    return o.macAddress == null || !ownInterface(network) ? null : MacAddress.parse(o.macAddress).toString();
  }

  /**
   * Whether the container has an interface of its own on {@code network}, for its MAC address: not
   * with {@code host}, {@code none} and {@code container:X}.
   */
  private static boolean ownInterface(String network) {
    return !network.equals("host") && !network.equals("none") && !network.startsWith("container:");
  }

  /** docker's Config and HostConfig of the new container, for inspect and start. */
  private static void describe(ContainerConfig described, ContainerOptions o, Parsed p, IsolationFlags isolation,
      ImageConfig imageConfig, Spec spec, List<String> entrypoint, List<String> cmd, String network, String name) {
    ObjectNode c = described.config();
    c.put("Hostname", spec.hostname() == null ? "" : spec.hostname());
    c.put("Domainname", o.domainname == null ? "" : o.domainname);
    c.put("User", o.user != null ? o.user : imageConfig.user());
    String mac = ownInterfaceMac(o, network);
    if (mac != null) {
      c.put("MacAddress", mac);
    }
    c.put("AttachStdin", o.interactive && !o.detach).put("AttachStdout", !o.detach).put("AttachStderr", !o.detach);
    // Docker's CLI clears StdinOnce for run -d: a later attach's end of input leaves stdin open
    c.put("Tty", o.tty).put("OpenStdin", o.interactive).put("StdinOnce", o.interactive && !o.detach);
    c.set("Env", strings(c, spec.process().env().stream().filter(e -> !ContainerConfig.setAtStart(e, o.tty)).toList()));
    c.set("Cmd", strings(c, cmd));
    // as Docker's: null, not [], when there is none
    if (entrypoint.isEmpty()) {
      c.putNull("Entrypoint");
    } else {
      c.set("Entrypoint", strings(c, entrypoint));
    }
    c.put("Image", o.image);
    // as Docker's: the directory asked for, or the image's, "" for neither (the process runs in /)
    c.put("WorkingDir", o.workdir != null ? spec.process().cwd() : imageConfig.workingDir());
    ObjectNode exposed = c.putObject("ExposedPorts");
    imageConfig.exposedPorts().forEach(port -> exposed.putObject(port.contains("/") ? port : port + "/tcp"));
    exposedPorts(o.expose).forEach(exposed::putObject);
    p.ports().forEach(port -> exposed.putObject(port.containerPort() + "/" + port.protocol()));
    ObjectNode userLabels = c.putObject("Labels");
    p.labels().forEach(userLabels::put);
    c.put("StopSignal", o.stopSignal != null ? o.stopSignal : imageConfig.stopSignal());
    if (o.stopTimeout != null) {
      c.put("StopTimeout", o.stopTimeout);
    }

    ObjectNode h = described.hostConfig();
    h.set("Binds", strings(h, o.volumes));
    MountDescriptions.volumes(c, List.copyOf(imageConfig.volumes()), p.mounts().subList(0, o.volumes.size()));
    MountDescriptions.mounts(h, p.mounts().subList(o.volumes.size(), o.volumes.size() + o.mounts.size()));
    h.set("VolumesFrom", strings(h, o.volumesFrom));
    h.put("NetworkMode", network);
    ObjectNode bindings = h.putObject("PortBindings");
    for (PortSpec m : p.ports()) {
      ArrayNode list = bindings.withArray(m.containerPort() + "/" + m.protocol());
      list.addObject().put("HostIp", m.hostIp()).put("HostPort", m.hostPort() == 0 ? "" : Integer.toString(m.hostPort()));
    }
    h.put("PublishAllPorts", o.publishAll);
    h.putObject("RestartPolicy").put("Name", p.restart().mode().text()).put("MaximumRetryCount", p.restart().maxRetries());
    h.put("AutoRemove", o.autoRemove);
    h.put("Memory", p.memory() == null ? 0 : p.memory());
    h.put("MemorySwap", p.memorySwap() == null ? 0 : p.memorySwap());
    h.put("MemoryReservation", p.memoryReservation() == null ? 0 : p.memoryReservation());
    h.put("OomKillDisable", p.oomKillDisable());
    if (p.memorySwappiness() != null) {
      h.put("MemorySwappiness", p.memorySwappiness());
    } else {
      h.putNull("MemorySwappiness");
    }
    p.log().describe(h);
    h.put("NanoCpus", o.cpus == null ? 0 : new BigDecimal(o.cpus).movePointRight(9).longValue());
    h.put("CpuShares", p.cpuShares() == null ? 0 : p.cpuShares());
    h.put("CpuQuota", o.cpus == null && p.cpus() != null && p.cpus().quota() > 0 ? p.cpus().quota() : 0);
    h.put("CpuPeriod", o.cpus == null && o.cpuPeriod != null ? p.cpus().period() : 0);
    h.put("OomScoreAdj", o.oomScoreAdj == null ? 0 : o.oomScoreAdj);
    h.put("CgroupParent", o.cgroupParent == null ? "" : o.cgroupParent);
    h.put("Runtime", runtimeBinary(o.runtime).isEmpty() ? "runc" : runtimeBinary(o.runtime));
    h.put("UsernsMode", o.userns == null ? "" : o.userns);
    h.put("CgroupnsMode", privateCgroupNamespace(o.cgroupns) ? "private" : "host");
    h.put("CpusetCpus", p.cpuset() == null ? "" : p.cpuset());
    // null when not given, as Docker's *int64 (a template prints <nil>)
    if (p.pidsLimit() == null) {
      h.putNull("PidsLimit");
    } else {
      h.put("PidsLimit", p.pidsLimit());
    }
    h.put("ReadonlyRootfs", o.readOnly);
    h.set("Dns", strings(h, o.dns));
    h.set("DnsSearch", strings(h, o.dnsSearch));
    h.set("DnsOptions", strings(h, o.dnsOptions));
    h.set("ExtraHosts", strings(h, o.addHosts));
    // Docker's form: /LINKED:/NAME/ALIAS
    h.set("Links", strings(h, p.links().stream().map(l -> "/" + l.container() + ":/" + name + "/" + l.alias()).toList()));
    // as Docker's CLI gives it: each --tmpfs with its options as written, "" for none; left out without one
    ObjectNode tmpfs = h.objectNode();
    for (String t : o.tmpfs) {
      int colon = t.indexOf(':');
      tmpfs.put(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "" : t.substring(colon + 1));
    }
    if (!tmpfs.isEmpty()) {
      h.set("Tmpfs", tmpfs);
    }
    h.put("Init", o.init);
    h.put("Privileged", o.privileged);
    h.set("CapAdd", strings(h, o.capAdd));
    h.set("CapDrop", strings(h, o.capDrop));
    ArrayNode ulimits = h.putArray("Ulimits");
    p.ulimits().forEach(u -> ulimits.addObject().put("Name", u.type().substring("RLIMIT_".length()).toLowerCase(
        java.util.Locale.ROOT)).put("Hard", u.hard()).put("Soft", u.soft()));
    h.put("ShmSize", p.shmSize() == null ? 64L << 20 : p.shmSize());
    isolation.describe(h);
  }

  private static ArrayNode strings(ObjectNode owner, List<String> values) {
    ArrayNode array = owner.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
