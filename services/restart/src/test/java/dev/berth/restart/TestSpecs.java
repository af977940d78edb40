package dev.berth.restart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;

/** OCI runtime specs close to `runc spec`'s default, with a host directory bind-mounted at /out. */
final class TestSpecs {
  static final String SPEC_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestSpecs() {}

  static Any spec(String cgroupsPath, Path out, boolean terminal, String... args) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("ociVersion", "1.0.2-dev");
    ObjectNode process = spec.putObject("process");
    process.put("terminal", terminal);
    process.putObject("user").put("uid", 0).put("gid", 0);
    ArrayNode a = process.putArray("args");
    List.of(args).forEach(a::add);
    process.putArray("env").add("PATH=/bin");
    process.put("cwd", "/");
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      caps.putArray(set).add("CAP_KILL");
    }
    process.put("noNewPrivileges", true);
    spec.putObject("root").put("path", "rootfs");
    ArrayNode mounts = spec.putArray("mounts");
    mounts.addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
    mounts.addObject().put("destination", "/dev").put("type", "tmpfs").put("source", "tmpfs")
        .putArray("options").add("nosuid").add("mode=755");
    mounts.addObject().put("destination", "/dev/pts").put("type", "devpts").put("source", "devpts")
        .putArray("options").add("nosuid").add("noexec").add("newinstance").add("ptmxmode=0666").add("mode=0620");
    mounts.addObject().put("destination", "/out").put("type", "bind").put("source", out.toString())
        .putArray("options").add("rbind").add("rw");
    ObjectNode linux = spec.putObject("linux");
    linux.put("cgroupsPath", cgroupsPath);
    linux.putObject("resources").putArray("devices").addObject().put("allow", false).put("access", "rwm");
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String ns : List.of("pid", "network", "ipc", "uts", "mount")) {
      namespaces.addObject().put("type", ns);
    }
    try {
      return Any.newBuilder().setTypeUrl(SPEC_TYPE).setValue(ByteString.copyFrom(JSON.writeValueAsBytes(spec))).build();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
