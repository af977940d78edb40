package dev.berth.cri;

import dev.berth.api.grpc.Errors;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.spec.Capabilities;
import dev.berth.client.spec.HostDevices;
import dev.berth.client.spec.NamespaceType;
import dev.berth.client.spec.ResourceFlags;
import dev.berth.client.spec.SeccompProfile;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import runtime.v1.ContainerConfig;
import runtime.v1.LinuxContainerResources;
import runtime.v1.LinuxContainerSecurityContext;
import runtime.v1.Mount;
import runtime.v1.MountPropagation;
import runtime.v1.SecurityProfile;

/**
 * The OCI spec of a CRI container, built with the client library's {@link SpecBuilder} from the
 * container's config, its image's config and its pod: the pod's network, IPC and UTS namespaces
 * joined by path, the network service's hosts, hostname and resolv.conf bind-mounted unless the
 * kubelet mounts its own, and the cgroup under the pod's cgroup parent.
 */
final class ContainerSpecs {
  private static final String LOCALHOST = "localhost/";
  /** Where the network service's generated files go in the container. */
  private static final List<String> NETWORK_FILES = List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf");

  private ContainerSpecs() {}

  /** The pod's side of a container's spec. */
  record Pod(PodSandboxes.Namespaces namespaces, boolean hostPid, String cgroupParent,
      List<String> networkFiles, Map<String, String> sysctls, String hostname) {}

  /**
   * The spec's builder, ready but for the image's /etc/passwd and /etc/group, which
   * {@link #readsImageUsers} says it needs.
   */
  static SpecBuilder prepare(String namespace, String id, ContainerConfig c, ImageConfig image, Pod pod) {
    // the user's own group first among its supplementary ones, as containerd's since 1.6.18
    // (CVE-2023-25173): a process that changes its group (a set-group-ID program) stays a member,
    // so a file that denies the group by its mode still denies it
    SpecBuilder spec = SpecBuilder.create(namespace, id).image(image).ownGroupSupplementary();
    if (!c.getCommandList().isEmpty()) {
      spec.entrypoint(c.getCommandList());
    }
    spec.args(c.getArgsList());
    spec.env(c.getEnvsList().stream().map(kv -> kv.getKey() + "=" + kv.getValue()).toList());
    if (!c.getWorkingDir().isEmpty()) {
      spec.workingDir(c.getWorkingDir());
    }
    spec.terminal(c.getTty());
    joinPod(spec, pod);
    // as containerd's CRI: the pod's hostname in the environment (programs read $HOSTNAME, not
    // uname), and no resource limits of the spec's own, the process keeping berthd's
    spec.hostnameEnv(pod.hostname()).inheritRlimits();
    // runc sets them inside the container's namespaces, which are the pod's: net.* reach the pod's network
    spec.sysctls(pod.sysctls());
    Set<String> mounted = c.getMountsList().stream().map(m -> Path.of(m.getContainerPath()).normalize().toString())
        .collect(Collectors.toSet());
    for (Mount m : c.getMountsList()) {
      spec.mount(bind(m));
    }
    rootfsPropagation(c.getMountsList()).ifPresent(spec::rootfsPropagation);
    // as containerd: the pod's /dev/shm, or the node's for a pod on the node's IPC namespace,
    // unless the kubelet mounts one (a memory emptyDir)
    if (!mounted.contains("/dev/shm")) {
      if (pod.namespaces().ipc().isEmpty()) {
        spec.hostShm();
      } else if (!pod.namespaces().shm().isEmpty()) {
        spec.mount(new Spec.Mount("/dev/shm", "bind", pod.namespaces().shm(), List.of("rbind", "rprivate", "rw")));
      }
    }
    for (int i = 0; i < NETWORK_FILES.size(); i++) {
      String source = pod.networkFiles().get(i);
      if (!source.isEmpty() && !mounted.contains(NETWORK_FILES.get(i))) {
        spec.mount(new Spec.Mount(NETWORK_FILES.get(i), "bind", source, List.of("rbind", "rprivate", "rw")));
      }
    }
    security(spec, c.getLinux().getSecurityContext(), image);
    resources(spec, c.getLinux().getResources());
    spec.annotations(c.getAnnotationsMap());
    if (!pod.cgroupParent().isEmpty()) {
      spec.cgroupsPath(pod.cgroupParent() + "/" + id);
    }
    return spec;
  }

  /**
   * The annotations containerd's CRI puts in a container's spec, after the kubelet's: OCI hooks
   * and tools reading a bundle's config.json tell a pod's containers, and their pod, by them.
   */
  static Map<String, String> criAnnotations(String name, PodSandboxes.Sandbox sandbox, String imageName) {
    var m = sandbox.config().getMetadata();
    return Map.of("io.kubernetes.cri.container-type", "container",
        "io.kubernetes.cri.container-name", name,
        "io.kubernetes.cri.image-name", imageName,
        "io.kubernetes.cri.sandbox-id", sandbox.id(),
        "io.kubernetes.cri.sandbox-name", m.getName(),
        "io.kubernetes.cri.sandbox-namespace", m.getNamespace(),
        "io.kubernetes.cri.sandbox-uid", m.getUid());
  }

  /**
   * Whether the image's /etc/passwd and /etc/group must be read: for a user given by name, and
   * for a user other than root, whose groups there are added as containerd does (root's are
   * left out, so that most containers are made without mounting their image).
   */
  static boolean readsImageUsers(ContainerConfig c, ImageConfig image) {
    LinuxContainerSecurityContext s = c.getLinux().getSecurityContext();
    String user = s.hasRunAsUser() ? Long.toString(s.getRunAsUser().getValue())
        : !s.getRunAsUsername().isEmpty() ? s.getRunAsUsername() : image.user();
    return !user.isEmpty() && !user.matches("0*(:[0-9]*)?");
  }

  private static void joinPod(SpecBuilder spec, Pod pod) {
    join(spec, NamespaceType.NETWORK, pod.namespaces().network());
    join(spec, NamespaceType.IPC, pod.namespaces().ipc());
    join(spec, NamespaceType.UTS, pod.namespaces().uts());
    // a PID namespace to join is no path here but a label (CriContainers), the tasks service
    // finding and checking its process at each task create: a path kept from now names whatever
    // process has that PID when the container starts, perhaps one of the host's
    if (pod.hostPid()) {
      spec.hostNamespace(NamespaceType.PID);
    }
  }

  private static void join(SpecBuilder spec, NamespaceType type, String path) {
    if (path.isEmpty()) {
      spec.hostNamespace(type);
    } else {
      spec.joinNamespace(type, path);
    }
  }

  /**
   * As containerd: a shared root mount when a mount propagates both ways (runc's default, a
   * slave root, would keep the container's mounts from the host), a slave one when one receives
   * the host's mounts.
   */
  private static Optional<String> rootfsPropagation(List<Mount> mounts) {
    if (mounts.stream().anyMatch(m -> m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL)) {
      return Optional.of("rshared");
    }
    if (mounts.stream().anyMatch(m -> m.getPropagation() == MountPropagation.PROPAGATION_HOST_TO_CONTAINER)) {
      return Optional.of("rslave");
    }
    return Optional.empty();
  }

  /** A bind mount of a host path, made (as a directory) if missing, as containerd's CRI does. */
  private static Spec.Mount bind(Mount m) {
    if (!m.getHostPath().startsWith("/") || !m.getContainerPath().startsWith("/")) {
      throw Errors.invalidArgument("mount %s:%s: both paths must be absolute", m.getHostPath(), m.getContainerPath());
    }
    Path source = Path.of(m.getHostPath());
    if (!Files.exists(source)) {
      try {
        Files.createDirectories(source);
      } catch (IOException e) {
        throw Errors.invalidArgument("mount source %s does not exist and cannot be made: %s", source, e.getMessage());
      }
    }
    String propagation = switch (m.getPropagation()) {
      case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
      case PROPAGATION_BIDIRECTIONAL -> "rshared";
      default -> "rprivate";
    };
    return new Spec.Mount(m.getContainerPath(), "bind", m.getHostPath(),
        List.of("rbind", propagation, m.getReadonly() ? "ro" : "rw"));
  }

  private static void security(SpecBuilder spec, LinuxContainerSecurityContext s, ImageConfig image) {
    List<String> add = s.getCapabilities().getAddCapabilitiesList();
    if (s.getPrivileged() || add.stream().anyMatch(cap -> cap.equalsIgnoreCase("ALL"))) {
      spec.allCapabilities(Capabilities.bounding());
    }
    if (s.getPrivileged()) {
      spec.privileged(HostDevices.list());
    }
    spec.capabilities(add, s.getCapabilities().getDropCapabilitiesList());
    spec.readOnlyRootfs(s.getReadonlyRootfs()).noNewPrivileges(s.getNoNewPrivs());
    // the kubelet sends the whole lists (the runtime's defaults unless the pod unmasks /proc)
    if (!s.getMaskedPathsList().isEmpty()) {
      spec.maskedPaths(s.getMaskedPathsList());
    }
    if (!s.getReadonlyPathsList().isEmpty()) {
      spec.readonlyPaths(s.getReadonlyPathsList());
    }
    seccomp(s).ifPresent(spec::seccomp);
    spec.supplementalGroups(s.getSupplementalGroupsList());
    if (s.hasRunAsGroup() && !s.hasRunAsUser() && s.getRunAsUsername().isEmpty()) {
      throw Errors.invalidArgument("run_as_group needs run_as_user or run_as_username");
    }
    String user = s.hasRunAsUser() ? Long.toString(s.getRunAsUser().getValue())
        : !s.getRunAsUsername().isEmpty() ? s.getRunAsUsername() : null;
    if (user != null || s.hasRunAsGroup()) {
      String base = user != null ? user : image.user().isEmpty() ? "0" : image.user().split(":")[0];
      spec.user(s.hasRunAsGroup() ? base + ":" + s.getRunAsGroup().getValue() : base);
    }
  }

  /**
   * The seccomp profile: the {@code seccomp} field when set, else the older profile path, where
   * an empty one means none, as the kubelet's API says. {@code runtime/default} (and
   * {@code docker/default}) is Berth's default profile, {@code localhost/<path>} a profile file on
   * the node in Docker's or the OCI spec's format. A privileged container gets none.
   */
  private static Optional<SeccompProfile> seccomp(LinuxContainerSecurityContext s) {
    if (s.hasSeccomp()) {
      SecurityProfile p = s.getSeccomp();
      return switch (p.getProfileType()) {
        case RuntimeDefault -> Optional.of(SeccompProfile.defaultProfile());
        case Localhost -> Optional.of(localProfile(p.getLocalhostRef()));
        default -> Optional.empty();
      };
    }
    String path = s.getSeccompProfilePath();
    if (path.isEmpty() || path.equals("unconfined")) {
      return Optional.empty();
    }
    if (path.equals("runtime/default") || path.equals("docker/default")) {
      return Optional.of(SeccompProfile.defaultProfile());
    }
    if (path.startsWith(LOCALHOST)) {
      return Optional.of(localProfile(path.substring(LOCALHOST.length())));
    }
    throw Errors.invalidArgument("seccomp profile %s: expected unconfined, runtime/default or localhost/<path>", path);
  }

  private static SeccompProfile localProfile(String file) {
    Path path = Path.of(file);
    if (!path.isAbsolute()) {
      throw Errors.invalidArgument("seccomp profile %s: the path after localhost/ must be absolute", file);
    }
    try {
      return SeccompProfile.parse(Files.readAllBytes(path), "seccomp profile " + path);
    } catch (IOException e) {
      throw Errors.invalidArgument("seccomp profile %s cannot be read: %s", path, e.getMessage());
    }
  }

  /**
   * CPU and memory limits, the CPUs and memory nodes, swap as {@link MemorySwap} says, the cgroup
   * v2 files ({@code unified}; hugepage limits are left out as containerd's default
   * {@code disable_hugetlb_controller} leaves them), and the OOM
   * score adjustment, always set, as containerd does, so that a container gets the kubelet's QoS
   * value rather than berthd's own (the tasks service leaves out a value below berthd's when it
   * lacks CAP_SYS_RESOURCE).
   */
  private static void resources(SpecBuilder spec, LinuxContainerResources r) {
    if (r.getCpuQuota() > 0) {
      spec.cpus(new ResourceFlags.CpuQuota(r.getCpuQuota(),
          r.getCpuPeriod() > 0 ? r.getCpuPeriod() : ResourceFlags.CPU_PERIOD));
    }
    if (r.getCpuShares() > 0) {
      spec.cpuShares(r.getCpuShares());
    }
    if (r.getMemoryLimitInBytes() > 0) {
      spec.memory(r.getMemoryLimitInBytes());
      MemorySwap.of(r.getMemoryLimitInBytes(), r.getMemorySwapLimitInBytes()).ifPresent(spec::memorySwap);
    }
    if (!r.getCpusetCpus().isEmpty()) {
      spec.cpusetCpus(r.getCpusetCpus());
    }
    // the kubelet's memory manager pins a Guaranteed pod's memory to NUMA nodes with it
    if (!r.getCpusetMems().isEmpty()) {
      spec.cpusetMems(r.getCpusetMems());
    }
    // as containerd: runc writes them on cgroup v2 and refuses them on v1, which ends the start with
    // StartError ("cannot use unified on cgroup v1"), rather than running without the limits asked
    spec.unified(r.getUnifiedMap());
    // saturated, so that a value past an int gets the builder's range message
    spec.oomScoreAdj((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r.getOomScoreAdj())));
  }
}
