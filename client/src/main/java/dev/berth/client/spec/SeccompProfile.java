package dev.berth.client.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * A seccomp profile in Docker's JSON format (which the OCI spec's {@code linux.seccomp} is a
 * subset of): {@code archMap} names the architectures, and a rule's {@code includes} and
 * {@code excludes} make it depend on the container's capabilities or architecture. {@link #forSpec}
 * resolves those for one container and leaves the OCI form runc reads.
 */
public final class SeccompProfile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_RESOURCE = "seccomp-default.json";
  /** The seccomp name of this host's architecture, as the OCI spec spells it. */
  private static final String HOST_ARCH = switch (System.getProperty("os.arch")) {
    case "amd64", "x86_64" -> "SCMP_ARCH_X86_64";
    case "aarch64", "arm64" -> "SCMP_ARCH_AARCH64";
    default -> "SCMP_ARCH_NATIVE";
  };

  private final ObjectNode profile;

  private SeccompProfile(ObjectNode profile) {
    this.profile = profile;
  }

  /**
   * Berth's default ({@code runtime/default}): everything refused with EPERM but the system calls
   * ordinary processes make and those the container's capabilities grant.
   */
  public static SeccompProfile defaultProfile() {
    try (InputStream in = SeccompProfile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the default seccomp profile " + DEFAULT_RESOURCE + " is missing");
      }
      return parse(in.readAllBytes(), "the default seccomp profile");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A profile in Docker's or the OCI spec's JSON; {@code what} names it in errors. */
  public static SeccompProfile parse(byte[] json, String what) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new InvalidValueException(what + " is not valid JSON: " + e.getMessage());
    }
    if (!(node instanceof ObjectNode o) || !o.path("defaultAction").isTextual()) {
      throw new InvalidValueException(what + " is not a seccomp profile: it needs a defaultAction");
    }
    if (!o.path("syscalls").isMissingNode() && !o.path("syscalls").isArray()) {
      throw new InvalidValueException(what + ": syscalls must be a list");
    }
    return new SeccompProfile(o);
  }

  /** The OCI {@code linux.seccomp} of a container holding {@code capabilities}. */
  public ObjectNode forSpec(Collection<String> capabilities) {
    Set<String> caps = Set.copyOf(capabilities);
    ObjectNode oci = JSON.createObjectNode();
    oci.set("defaultAction", profile.get("defaultAction"));
    copy(profile, oci, "defaultErrnoRet");
    copy(profile, oci, "listenerPath");
    copy(profile, oci, "listenerMetadata");
    copy(profile, oci, "flags");
    ArrayNode arches = oci.putArray("architectures");
    profile.path("architectures").forEach(arches::add);
    for (JsonNode m : profile.path("archMap")) {
      if (HOST_ARCH.equals(m.path("architecture").asText())) {
        arches.add(m.get("architecture"));
        m.path("subArchitectures").forEach(arches::add);
      }
    }
    if (arches.isEmpty()) {
      oci.remove("architectures");
    }
    ArrayNode syscalls = oci.putArray("syscalls");
    for (JsonNode rule : profile.path("syscalls")) {
      if (applies(rule.path("includes"), caps, true) && !applies(rule.path("excludes"), caps, false)) {
        syscalls.add(ociRule(rule));
      }
    }
    return oci;
  }

  /**
   * Whether a rule's condition holds: all of its capabilities are held and the host is one of
   * its architectures. An empty condition holds for includes and not for excludes.
   */
  private static boolean applies(JsonNode condition, Set<String> caps, boolean whenEmpty) {
    List<String> needed = texts(condition.path("caps"));
    List<String> arches = texts(condition.path("arches"));
    if (needed.isEmpty() && arches.isEmpty()) {
      return whenEmpty;
    }
    boolean capsHeld = needed.stream().map(c -> c.toUpperCase(Locale.ROOT))
        .map(c -> c.startsWith("CAP_") ? c : "CAP_" + c).allMatch(caps::contains);
    boolean onArch = arches.isEmpty() || arches.stream().anyMatch(SeccompProfile::isHostArch);
    if (whenEmpty) {
      return capsHeld && onArch;
    }
    // an exclusion holds when any of its conditions does, as Docker reads it
    return (!needed.isEmpty() && capsHeld) || (!arches.isEmpty() && onArch);
  }

  private static boolean isHostArch(String arch) {
    String a = arch.toUpperCase(Locale.ROOT);
    return HOST_ARCH.equals(a) || HOST_ARCH.equals("SCMP_ARCH_" + a)
        || (HOST_ARCH.equals("SCMP_ARCH_X86_64") && a.equals("AMD64"))
        || (HOST_ARCH.equals("SCMP_ARCH_AARCH64") && a.equals("ARM64"));
  }

  /** The rule without Docker's own fields; Docker's single {@code name} becomes {@code names}. */
  private static ObjectNode ociRule(JsonNode rule) {
    ObjectNode r = JSON.createObjectNode();
    ArrayNode names = r.putArray("names");
    rule.path("names").forEach(names::add);
    if (rule.path("name").isTextual()) {
      names.add(rule.get("name"));
    }
    r.set("action", rule.path("action"));
    copy(rule, r, "errnoRet");
    copy(rule, r, "args");
    return r;
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v != null && !v.isNull()) {
      to.set(field, v);
    }
  }

  private static List<String> texts(JsonNode array) {
    return array.isArray() ? StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asText).toList() : List.of();
  }
}
