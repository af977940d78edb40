package dev.berth.client.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The part of the OCI runtime spec ({@code config.json}) Berth's clients write: the record and
 * field names are the spec's own, so Jackson maps them one to one. Empty lists and maps and null
 * values are left out of the JSON, as Go's {@code omitempty} does; unknown fields are ignored when
 * reading, since other clients (ctr) write more.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Spec(
    String ociVersion,
    Process process,
    Root root,
    String hostname,
    String domainname,
    List<Mount> mounts,
    Linux linux,
    Map<String, String> annotations) {

  public Spec {
    mounts = list(mounts);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** Lists are never null: JSON without a field reads as an empty list, as it was written. */
  private static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : List.copyOf(values);
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Process(
      boolean terminal,
      ConsoleSize consoleSize,
      User user,
      List<String> args,
      List<String> env,
      String cwd,
      Capabilities capabilities,
      List<Rlimit> rlimits,
      boolean noNewPrivileges,
      Integer oomScoreAdj) {
    public Process {
      args = list(args);
      env = list(env);
      rlimits = list(rlimits);
    }
  }

  /**
   * The terminal's size when the process starts: the runtime sizes its pty before the process runs,
   * as Docker's create and exec send the client's size, so a program that asks at once gets an answer.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ConsoleSize(int height, int width) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record User(long uid, long gid, List<Long> additionalGids) {
    public User {
      additionalGids = list(additionalGids);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Capabilities(
      List<String> bounding,
      List<String> effective,
      List<String> inheritable,
      List<String> permitted,
      List<String> ambient) {
    public Capabilities {
      bounding = list(bounding);
      effective = list(effective);
      inheritable = list(inheritable);
      permitted = list(permitted);
      ambient = list(ambient);
    }
  }

  /** A POSIX resource limit; {@code type} like {@code RLIMIT_NOFILE}; the limits unsigned, -1 unlimited. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Rlimit(String type,
      @JsonSerialize(using = UnsignedLongJson.Serializer.class)
      @JsonDeserialize(using = UnsignedLongJson.Deserializer.class) long hard,
      @JsonSerialize(using = UnsignedLongJson.Serializer.class)
      @JsonDeserialize(using = UnsignedLongJson.Deserializer.class) long soft) {}

  /** The root file system, a path relative to the bundle. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Root(String path, boolean readonly) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
      options = list(options);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Linux(
      List<IdMapping> uidMappings,
      List<IdMapping> gidMappings,
      Resources resources,
      String cgroupsPath,
      List<Namespace> namespaces,
      List<String> maskedPaths,
      List<String> readonlyPaths,
      List<Device> devices,
      Map<String, String> sysctl,
      ObjectNode seccomp,
      String rootfsPropagation) {
    public Linux {
      sysctl = sysctl == null ? Map.of() : Map.copyOf(sysctl);
      devices = list(devices);
      uidMappings = list(uidMappings);
      gidMappings = list(gidMappings);
      namespaces = list(namespaces);
      maskedPaths = list(maskedPaths);
      readonlyPaths = list(readonlyPaths);
    }
  }

  /** A device node the runtime creates in the container's /dev ({@code type} c or b). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Device(String path, String type, long major, long minor, Integer fileMode, Integer uid, Integer gid) {}

  /** Maps {@code size} ids from {@code containerID} in a user namespace to {@code hostID} outside. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IdMapping(long containerID, long hostID, long size) {}

  /** A namespace to create ({@code path} empty) or to join ({@code path} of its nsfs file). */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Namespace(String type, String path) {
    public Namespace {
      path = path == null ? "" : path;
    }
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  /** {@code unified}: cgroup v2 files by name and the values to write in them, which runc refuses on v1. */
  public record Resources(List<DeviceRule> devices, Memory memory, Cpu cpu, Pids pids, BlockIO blockIO,
      Map<String, String> unified) {
    public Resources {
      devices = list(devices);
      unified = unified == null ? Map.of() : unified;
    }
  }

  /**
   * Block I/O: a relative weight (10 to 1000) for the whole container and per device, and
   * per-device limits on bytes and operations a second; devices by major and minor number.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BlockIO(Integer weight, List<WeightDevice> weightDevice, List<ThrottleDevice> throttleReadBpsDevice,
      List<ThrottleDevice> throttleWriteBpsDevice, List<ThrottleDevice> throttleReadIOPSDevice,
      List<ThrottleDevice> throttleWriteIOPSDevice) {
    public BlockIO {
      weightDevice = list(weightDevice);
      throttleReadBpsDevice = list(throttleReadBpsDevice);
      throttleWriteBpsDevice = list(throttleWriteBpsDevice);
      throttleReadIOPSDevice = list(throttleReadIOPSDevice);
      throttleWriteIOPSDevice = list(throttleWriteIOPSDevice);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WeightDevice(long major, long minor, int weight) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ThrottleDevice(long major, long minor, long rate) {}

  /** A device cgroup rule; type, major and minor null for all. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

  /**
   * Bytes; {@code swap} is memory plus swap, -1 for unlimited swap; {@code reservation} the soft
   * limit the kernel reclaims down to under memory pressure; {@code swappiness} (0 to 100) how
   * readily its anonymous pages go to swap, cgroup v1 only.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Memory(Long limit, Long swap, Long reservation, Boolean disableOOMKiller, Long swappiness) {
    public Memory(Long limit, Long swap) {
      this(limit, swap, null, null, null);
    }
  }

  /**
   * CFS quota and period in microseconds, relative shares, and cpuset lists like {@code 0-2,4} of
   * CPUs and of memory nodes.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Pids(long limit) {}
}
