package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.ClientException;
import dev.berth.client.spec.HostDevices;
import dev.berth.client.spec.KeyValue;
import dev.berth.client.spec.NamespacedSysctls;
import dev.berth.client.spec.NamespaceType;
import dev.berth.client.spec.SeccompProfile;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's flags that loosen or tighten a container's isolation: {@code --pid}, {@code --ipc},
 * {@code --uts}, {@code --security-opt}, {@code --sysctl}, {@code --group-add} and
 * {@code --device}, checked when parsed (before anything is created) and then applied to a spec.
 * As in Docker, a container is confined by Docker's default seccomp profile unless it is
 * privileged or {@code seccomp=unconfined} is asked for.
 */
final class IsolationFlags {
  private record Device(String hostPath, Spec.Device node, String access) {}

  private final boolean hostPid;
  /**
   * {@code --pid container:NAME}'s NAME (its id once {@link #withDonorIds} found it), or empty: the
   * tasks service joins that container's PID namespace at each start ({@link ContainerLabels#PID}).
   */
  private final String pidContainer;
  private final boolean hostIpc;
  /**
   * {@code --ipc container:NAME}'s NAME (its id once {@link #withDonorIds} found it), or empty: the
   * tasks service joins that container's IPC namespace and /dev/shm at each start ({@link ContainerLabels#IPC}).
   */
  private final String ipcContainer;
  /** Docker's {@code --ipc none}: a namespace of its own without /dev/shm. */
  private final boolean noShm;
  private final boolean hostUts;
  private final boolean noNewPrivileges;
  /** Empty: unconfined. */
  private final Optional<SeccompProfile> seccomp;
  private final Map<String, String> sysctls;
  private final List<String> groups;
  private final List<Device> devices;
  /** As given, for inspect. */
  private final String ipcMode;
  private final List<String> securityOpts;

  private IsolationFlags(boolean hostPid, String pidContainer, boolean hostIpc, String ipcContainer, boolean noShm,
      boolean hostUts, boolean noNewPrivileges,
      Optional<SeccompProfile> seccomp, Map<String, String> sysctls, List<String> groups, List<Device> devices,
      String ipcMode, List<String> securityOpts) {
    this.hostPid = hostPid;
    this.pidContainer = pidContainer;
    this.hostIpc = hostIpc;
    this.ipcContainer = ipcContainer;
    this.noShm = noShm;
    this.hostUts = hostUts;
    this.noNewPrivileges = noNewPrivileges;
    this.seccomp = seccomp;
    this.sysctls = sysctls;
    this.groups = groups;
    this.devices = devices;
    this.ipcMode = ipcMode;
    this.securityOpts = List.copyOf(securityOpts);
  }

  static IsolationFlags parse(ContainerOptions o) {
    String pidContainer = joinedContainer("--pid", "PID", o.pid);
    boolean hostPid = pidContainer.isEmpty() && host("--pid", o.pid, List.of(), " or container:NAME");
    String ipcContainer = joinedContainer("--ipc", "IPC", o.ipc);
    boolean hostIpc = ipcContainer.isEmpty() && host("--ipc", o.ipc, List.of("private", "shareable", "none"),
        " or container:NAME");
    boolean hostUts = host("--uts", o.uts, List.of(), "");
    if (hostUts && o.hostname != null) {
      throw new ClientException("conflicting options: --hostname and --uts host");
    }
    boolean noNewPrivileges = false;
    Optional<SeccompProfile> seccomp = Optional.of(SeccompProfile.defaultProfile());
    for (String opt : o.securityOpts) {
      int sep = indexOfSeparator(opt);
      String key = sep < 0 ? opt : opt.substring(0, sep);
      String value = sep < 0 ? "" : opt.substring(sep + 1);
      switch (key) {
        case "no-new-privileges" -> noNewPrivileges = switch (value) {
          case "", "true" -> true;
          case "false" -> false;
          default -> throw InvalidValueException.of("security option", opt, "no-new-privileges takes true or false");
        };
        case "seccomp" -> seccomp = value.equals("unconfined") ? Optional.empty() : Optional.of(profile(opt, value));
        // AppArmor and SELinux confine nothing here: turning them off changes nothing
        case "apparmor" -> requireValue(opt, value, "unconfined");
        case "label" -> requireValue(opt, value, "disable");
        default -> throw InvalidValueException.of("security option", opt,
            "expected no-new-privileges, seccomp=, apparmor=unconfined or label=disable");
      }
    }
    Map<String, String> sysctls = new LinkedHashMap<>();
    for (String s : o.sysctls) {
      KeyValue kv = NamespacedSysctls.parse(s);
      if (kv.key().startsWith("net.") && o.network.equals("host")) {
        throw InvalidValueException.of("sysctl", s, "net.* sysctls are not allowed with --network host");
      }
      sysctls.put(kv.key(), kv.value());
    }
    List<String> groups = new ArrayList<>();
    for (String g : o.groupAdd) {
      boolean id = g.matches("[0-9]{1,10}") && Long.parseLong(g) <= 0xFFFFFFFEL;
      if (!id && !g.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
        throw InvalidValueException.of("--group-add", g, "expected a group id or a group name");
      }
      groups.add(g);
    }
    List<Device> devices = new ArrayList<>();
    for (String d : o.devices) {
      devices.add(device(d));
    }
    return new IsolationFlags(hostPid, pidContainer, hostIpc, ipcContainer, "none".equals(o.ipc), hostUts, noNewPrivileges,
        seccomp, sysctls, groups, devices, o.ipc == null || o.ipc.isEmpty() ? "private" : o.ipc, o.securityOpts);
  }

  /**
   * These flags with {@code --pid} and {@code --ipc container:NAME} naming the container by its id, as Docker's
   * daemon records it at create, so that a rename keeps the two together; a name of no container
   * is kept as given, for each start to refuse as Docker's daemon does.
   */
  IsolationFlags withDonorIds(ContainerClient containers) {
    return new IsolationFlags(hostPid, donorId(containers, pidContainer), hostIpc, donorId(containers, ipcContainer), noShm,
        hostUts, noNewPrivileges, seccomp, sysctls, groups, devices, ipcMode, securityOpts);
  }

  /**
   * The labels by which the tasks service joins the namespaces of another container at each start.
   * A shareable container with a /dev/shm mount of the user's own ({@code ownShm}) is not labelled
   * shareable: as in Docker, it keeps that mount and others are refused its IPC namespace.
   */
  void label(Map<String, String> labels, boolean ownShm) {
    if (!pidContainer.isEmpty()) {
      labels.put(ContainerLabels.PID, ContainerLabels.JOINED_CONTAINER_PREFIX + pidContainer);
    }
    if (!ipcContainer.isEmpty()) {
      labels.put(ContainerLabels.IPC, ContainerLabels.JOINED_CONTAINER_PREFIX + ipcContainer);
    } else if (ipcMode.equals(ContainerLabels.IPC_SHAREABLE) && !ownShm) {
      labels.put(ContainerLabels.IPC, ContainerLabels.IPC_SHAREABLE);
    }
  }

  /** {@code name}'s container's id, or {@code name} as given when no container has it (or empty). */
  private static String donorId(ContainerClient containers, String name) {
    return name.isEmpty() ? "" : containers.lookup(name).map(c -> c.getId()).orElse(name);
  }

  /** Whether a {@code --group-add} names a group rather than giving its id. */
  boolean namesGroups() {
    return groups.stream().anyMatch(g -> !g.chars().allMatch(Character::isDigit));
  }

  void applyTo(SpecBuilder spec) {
    if (hostPid) {
      spec.hostNamespace(NamespaceType.PID);
    }
    if (hostIpc) {
      spec.hostNamespace(NamespaceType.IPC);
      spec.hostShm();
    }
    if (noShm) {
      spec.withoutShm();
    }
    if (hostUts) {
      spec.hostNamespace(NamespaceType.UTS);
    }
    spec.noNewPrivileges(noNewPrivileges);
    seccomp.ifPresent(spec::seccomp);
    spec.sysctls(sysctls);
    if (!groups.isEmpty()) {
      spec.groupAdd(groups);
    }
    devices.forEach(d -> spec.device(d.node(), d.access()));
  }

  /** These flags as {@code docker inspect} shows them in HostConfig. */
  void describe(ObjectNode hostConfig) {
    hostConfig.put("PidMode", hostPid ? "host"
        : pidContainer.isEmpty() ? "" : ContainerLabels.JOINED_CONTAINER_PREFIX + pidContainer);
    hostConfig.put("IpcMode", ipcContainer.isEmpty() ? ipcMode : ContainerLabels.JOINED_CONTAINER_PREFIX + ipcContainer);
    hostConfig.put("UTSMode", hostUts ? "host" : "");
    ArrayNode securityOpt = hostConfig.putArray("SecurityOpt");
    securityOpts.forEach(securityOpt::add);
    ArrayNode groupAdd = hostConfig.putArray("GroupAdd");
    groups.forEach(groupAdd::add);
    ObjectNode sysctlNode = hostConfig.putObject("Sysctls");
    sysctls.forEach(sysctlNode::put);
    ArrayNode deviceNodes = hostConfig.putArray("Devices");
    devices.forEach(d -> deviceNodes.addObject().put("PathOnHost", d.hostPath())
        .put("PathInContainer", d.node().path()).put("CgroupPermissions", d.access()));
  }

  /** Whether {@code value} of {@code flag} asks for the host's namespace; the others allowed mean the container's own. */
  private static boolean host(String flag, String value, List<String> own, String otherwise) {
    if (value == null || value.isEmpty() || own.contains(value)) {
      return false;
    }
    if (value.equals("host")) {
      return true;
    }
    throw InvalidValueException.of(flag, value, "expected host" + (own.isEmpty() ? "" : " or " + String.join(", ", own))
        + otherwise);
  }

  /** The NAME of {@code container:NAME}, or empty for any other value. */
  private static String joinedContainer(String flag, String mode, String value) {
    if (value == null || !value.startsWith(ContainerLabels.JOINED_CONTAINER_PREFIX)) {
      return "";
    }
    String name = value.substring(ContainerLabels.JOINED_CONTAINER_PREFIX.length());
    if (name.isEmpty()) {
      // Docker's CLI's words for the mode without a container
      throw new InvalidValueException(flag + ": invalid " + mode + " mode");
    }
    return name;
  }

  /** Docker takes {@code key=value} and the older {@code key:value}. */
  private static int indexOfSeparator(String opt) {
    int equals = opt.indexOf('=');
    int colon = opt.indexOf(':');
    return equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
  }

  private static void requireValue(String opt, String value, String only) {
    if (!value.equals(only)) {
      throw InvalidValueException.of("security option", opt, "only " + only + " is understood");
    }
  }

  private static SeccompProfile profile(String opt, String file) {
    try {
      return SeccompProfile.parse(Files.readAllBytes(Path.of(file)), "seccomp profile " + file);
    } catch (IOException e) {
      throw new ClientException("cannot read the seccomp profile of " + opt + ": " + e.getMessage(), e);
    }
  }

  /** {@code HOST[:CONTAINER][:PERMISSIONS]}, Docker's form; the permissions default to rwm. */
  private static Device device(String flag) {
    String[] parts = flag.split(":", -1);
    if (parts.length > 3 || parts[0].isEmpty()) {
      throw InvalidValueException.of("--device", flag, "expected HOST[:CONTAINER][:PERMISSIONS], like /dev/fuse");
    }
    String inContainer = parts[0];
    String access = "rwm";
    if (parts.length == 2) {
      if (parts[1].matches("[rwm]+")) {
        access = parts[1];
      } else {
        inContainer = parts[1];
      }
    } else if (parts.length == 3) {
      inContainer = parts[1];
      access = parts[2];
    }
    return new Device(parts[0], HostDevices.at(Path.of(parts[0]), inContainer), access);
  }
}
