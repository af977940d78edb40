package dev.berth.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.util.List;

/** OCI runtime specs as `runc spec` writes them by default, built for each test. */
final class Specs {
  static final String SPEC_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
  static final String PROCESS_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";
  static final ObjectMapper JSON = new ObjectMapper();

  private Specs() {}

  static ObjectNode spec(String cgroupsPath, String... args) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("ociVersion", "1.0.2-dev");
    spec.set("process", process(args));
    spec.putObject("root").put("path", "rootfs").put("readonly", true);
    spec.put("hostname", "berth-test");
    ArrayNode mounts = spec.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc");
    mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
    mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
    mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
    ObjectNode linux = spec.putObject("linux");
    linux.put("cgroupsPath", cgroupsPath);
    ObjectNode resources = linux.putObject("resources");
    resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String ns : List.of("pid", "network", "ipc", "uts", "mount")) {
      namespaces.addObject().put("type", ns);
    }
    ArrayNode masked = linux.putArray("maskedPaths");
    for (String p : List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi")) {
      masked.add(p);
    }
    ArrayNode readonly = linux.putArray("readonlyPaths");
    for (String p : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")) {
      readonly.add(p);
    }
    return spec;
  }

  static ObjectNode process(String... args) {
    ObjectNode process = JSON.createObjectNode();
    process.put("terminal", false);
    process.putObject("user").put("uid", 0).put("gid", 0);
    ArrayNode a = process.putArray("args");
    for (String arg : args) {
      a.add(arg);
    }
    process.putArray("env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").add("TERM=xterm");
    process.put("cwd", "/");
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted", "ambient")) {
      caps.putArray(set).add("CAP_AUDIT_WRITE").add("CAP_KILL").add("CAP_NET_BIND_SERVICE");
    }
    process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024);
    process.put("noNewPrivileges", true);
    return process;
  }

  private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
    ObjectNode m = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
    if (options.length > 0) {
      ArrayNode o = m.putArray("options");
      for (String option : options) {
        o.add(option);
      }
    }
  }

  static Any any(String typeUrl, ObjectNode json) {
    try {
      return Any.newBuilder().setTypeUrl(typeUrl).setValue(ByteString.copyFrom(JSON.writeValueAsBytes(json))).build();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The spec's network namespace entry. */
  static JsonNode networkNamespace(JsonNode spec) {
    for (JsonNode ns : spec.path("linux").path("namespaces")) {
      if (ns.path("type").asText().equals("network")) {
        return ns;
      }
    }
    throw new AssertionError("no network namespace in " + spec);
  }

  /** The source of the spec's mount at {@code destination}; empty when it has none. */
  static String mountSource(JsonNode spec, String destination) {
    for (JsonNode m : spec.path("mounts")) {
      if (m.path("destination").asText().equals(destination)) {
        return m.path("source").asText();
      }
    }
    return "";
  }
}
