package dev.berth.tasks.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * An OCI runtime spec (config.json) or process spec (for exec) as the client sent it, with the
 * few changes Berth makes before handing it to the runtime.
 */
public final class OciSpec {
  private static final Logger LOG = Logger.getLogger(OciSpec.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NETWORK = "network";

  private final ObjectNode root;
  private final boolean processOnly;

  private OciSpec(ObjectNode root, boolean processOnly) {
    this.root = root;
    this.processOnly = processOnly;
  }

  /** A container's spec: JSON with a {@code process}; INVALID_ARGUMENT otherwise. */
  public static OciSpec container(String containerId, Any spec) {
    ObjectNode json = parse("spec of container " + containerId, spec);
    if (!json.path("process").isObject()) {
      throw Errors.invalidArgument("spec of container %s has no process", containerId);
    }
    return new OciSpec(json, false);
  }

  /** An exec process spec: JSON with {@code args}; INVALID_ARGUMENT otherwise. */
  public static OciSpec process(String what, Any spec) {
    ObjectNode json = parse(what, spec);
    if (!json.path("args").isArray() || json.path("args").isEmpty()) {
      throw Errors.invalidArgument("%s has no args", what);
    }
    return new OciSpec(json, true);
  }

  /** An exec's process spec as written to its directory. */
  public static OciSpec processFile(Path file) throws IOException {
    JsonNode json = JSON.readTree(file.toFile());
    if (json == null || !json.isObject()) {
      throw new IOException(file + " is not a JSON object");
    }
    return new OciSpec((ObjectNode) json, true);
  }

  private static ObjectNode parse(String what, Any spec) {
    if (spec.getValue().isEmpty()) {
      throw Errors.invalidArgument("%s is empty", what);
    }
    try {
      JsonNode node = JSON.readTree(spec.getValue().toByteArray());
      if (node == null || !node.isObject()) {
        throw Errors.invalidArgument("%s is not a JSON object", what);
      }
      return (ObjectNode) node;
    } catch (IOException e) {
      throw Errors.invalidArgument("%s is not valid JSON: %s", what, e.getMessage());
    }
  }

  private ObjectNode process() {
    return processOnly ? root : (ObjectNode) root.get("process");
  }

  /** The process's command line. */
  public List<String> args() {
    List<String> args = new ArrayList<>();
    process().path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  public boolean terminal() {
    return process().path("terminal").asBoolean(false);
  }

  /** Points the spec's root at {@code path} (relative to the bundle), keeping its readonly flag. */
  public void useRootfs(String path) {
    JsonNode current = root.path("root");
    ObjectNode rootNode = current.isObject() ? (ObjectNode) current : root.putObject("root");
    rootNode.put("path", path);
  }

  /** The spec's {@code linux.cgroupsPath}, when it has one. */
  public Optional<String> cgroupsPath() {
    String path = root.path("linux").path("cgroupsPath").asText("");
    return path.isEmpty() ? Optional.empty() : Optional.of(path);
  }

  /** Sets {@code linux.cgroupsPath}, creating {@code linux} when needed. */
  public void setCgroupsPath(String path) {
    JsonNode linux = root.path("linux");
    ObjectNode node = linux.isObject() ? (ObjectNode) linux : root.putObject("linux");
    node.put("cgroupsPath", path);
  }

  /** Puts the process into the network namespace at {@code path}, replacing the spec's own network namespace. */
  public void joinNetworkNamespace(String path) {
    joinNamespace(NETWORK, path);
  }

  /** Puts the process into the namespace of {@code type} at {@code path}, replacing the spec's own of that type. */
  public void joinNamespace(String type, String path) {
    ArrayNode namespaces = namespaces();
    for (JsonNode ns : namespaces) {
      if (type.equals(ns.path("type").asText()) && ns instanceof ObjectNode entry) {
        entry.put("path", path);
        return;
      }
    }
    namespaces.addObject().put("type", type).put("path", path);
  }

  /** Leaves out the network namespace, so that the process shares the runtime's (the host's). */
  public void leaveOutNetworkNamespace() {
    ArrayNode namespaces = namespaces();
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if (NETWORK.equals(namespaces.get(i).path("type").asText())) {
        namespaces.remove(i);
      }
    }
  }

  /** The NIS domain name the spec gives the container's UTS namespace; empty for none. */
  public String domainname() {
    return root.path("domainname").asText("");
  }

  /**
   * Sets the hostname if the spec gives the container a UTS namespace of its own; returns false
   * (and changes nothing) otherwise, as the runtime refuses a hostname in a shared one.
   */
  public boolean setHostname(String hostname) {
    for (JsonNode ns : root.path("linux").path("namespaces")) {
      if ("uts".equals(ns.path("type").asText()) && ns.path("path").asText("").isEmpty()) {
        root.put("hostname", hostname);
        return true;
      }
    }
    return false;
  }

  /**
   * Bind-mounts the host file {@code source} read-write on {@code destination}, as Docker mounts
   * its generated /etc files; a mount the spec already has there wins (returns false).
   */
  public boolean addBindMount(String destination, String source) {
    JsonNode current = root.path("mounts");
    ArrayNode mounts = current instanceof ArrayNode a ? a : root.putArray("mounts");
    for (JsonNode m : mounts) {
      if (destination.equals(m.path("destination").asText())) {
        return false;
      }
    }
    ObjectNode mount = mounts.addObject().put("destination", destination).put("type", "bind").put("source", source);
    mount.putArray("options").add("rbind").add("rprivate").add("rw");
    return true;
  }

  /** The options of the tmpfs the spec mounts on {@code destination}; empty when it mounts something else there, or nothing. */
  public Optional<List<String>> tmpfsOptions(String destination) {
    for (JsonNode m : root.path("mounts")) {
      if (destination.equals(m.path("destination").asText())) {
        if (!"tmpfs".equals(m.path("type").asText())) {
          return Optional.empty();
        }
        List<String> options = new ArrayList<>();
        m.path("options").forEach(o -> options.add(o.asText()));
        return Optional.of(options);
      }
    }
    return Optional.empty();
  }

  /**
   * Bind-mounts the host directory {@code source} on {@code destination} with {@code options} in
   * place of the spec's tmpfs there, or where it mounts nothing there; a mount of another type
   * the spec has there wins (returns false).
   */
  public boolean bindInPlaceOfTmpfs(String destination, String source, List<String> options) {
    JsonNode current = root.path("mounts");
    ArrayNode mounts = current instanceof ArrayNode a ? a : root.putArray("mounts");
    for (JsonNode m : mounts) {
      if (destination.equals(m.path("destination").asText()) && m instanceof ObjectNode mount) {
        if (!"tmpfs".equals(m.path("type").asText())) {
          return false;
        }
        bind(mount, source, options);
        return true;
      }
    }
    bind(mounts.addObject().put("destination", destination), source, options);
    return true;
  }

  private static void bind(ObjectNode mount, String source, List<String> options) {
    mount.put("type", "bind").put("source", source);
    ArrayNode list = mount.putArray("options");
    options.forEach(list::add);
  }

  private ArrayNode namespaces() {
    JsonNode linux = root.path("linux");
    ObjectNode linuxNode = linux.isObject() ? (ObjectNode) linux : root.putObject("linux");
    JsonNode namespaces = linuxNode.path("namespaces");
    return namespaces instanceof ArrayNode a ? a : linuxNode.putArray("namespaces");
  }

  /**
   * Fits the spec to what the runtime can apply without CAP_SYS_RESOURCE: an oom_score_adj below
   * ours is left out (logged), and an rlimit above our hard limit is refused with FAILED_PRECONDITION,
   * since lowering it would run the container with less than was asked, and the runtime's own
   * refusal names neither the limit nor the reason.
   */
  public void fitTo(HostLimits host, String who) {
    if (host.hasSysResource()) {
      return;
    }
    ObjectNode process = process();
    JsonNode oom = process.get("oomScoreAdj");
    if (oom != null && oom.isInt() && oom.asInt() < host.oomScoreAdj()) {
      process.remove("oomScoreAdj");
      LOG.warning(who + ": oomScoreAdj " + oom.asInt() + " left out: lowering it below "
          + host.oomScoreAdj() + " needs CAP_SYS_RESOURCE, which berthd lacks");
    }
    for (JsonNode limit : process.path("rlimits")) {
      String type = limit.path("type").asText();
      BigInteger ours = host.hardLimits().get(type);
      BigInteger hard = new BigInteger(limit.path("hard").asText("0"));
      if (ours != null && hard.compareTo(ours) > 0) {
        throw Errors.failedPrecondition("%s: ulimit %s: hard limit %s is above berthd's own (%s); raising it "
            + "needs CAP_SYS_RESOURCE, which berthd lacks", who, ulimitName(type), shown(hard), shown(ours));
      }
    }
  }

  /** Docker's name of an rlimit: {@code nofile} for RLIMIT_NOFILE. */
  private static String ulimitName(String type) {
    return type.startsWith("RLIMIT_") ? type.substring("RLIMIT_".length()).toLowerCase(Locale.ROOT) : type;
  }

  private static String shown(BigInteger limit) {
    return limit.equals(HostLimits.UNLIMITED) ? "unlimited" : limit.toString();
  }

  public byte[] toBytes() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
