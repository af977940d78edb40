package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeccompProfileTest {
  /** The system calls the profile allows without conditions on arguments. */
  private static List<String> allowed(ObjectNode oci) {
    List<String> names = new ArrayList<>();
    for (JsonNode rule : oci.path("syscalls")) {
      if (rule.path("action").asText().equals("SCMP_ACT_ALLOW") && rule.path("args").isMissingNode()) {
        rule.path("names").forEach(n -> names.add(n.asText()));
      }
    }
    return names;
  }

  @Test
  void theDefaultProfileRefusesAllButWhatTheContainersCapabilitiesGrant() {
    ObjectNode plain = SeccompProfile.defaultProfile().forSpec(DefaultSpec.CAPABILITIES);
    assertEquals("SCMP_ACT_ERRNO", plain.path("defaultAction").asText());
    assertEquals(1, plain.path("defaultErrnoRet").asInt(), "EPERM");
    assertTrue(allowed(plain).containsAll(List.of("read", "write", "execve", "chmod")), allowed(plain)::toString);
    assertFalse(allowed(plain).contains("sethostname"));
    assertFalse(allowed(plain).contains("mount"));
    assertFalse(allowed(plain).contains("clone"), "clone only without namespace flags (a rule on its arguments)");
    plain.path("syscalls").forEach(r -> {
      assertTrue(r.path("includes").isMissingNode() && r.path("excludes").isMissingNode() && r.path("comment")
          .isMissingNode(), "Docker's own fields are resolved away: " + r);
    });

    List<String> admin = new ArrayList<>(DefaultSpec.CAPABILITIES);
    admin.add("CAP_SYS_ADMIN");
    ObjectNode withAdmin = SeccompProfile.defaultProfile().forSpec(admin);
    assertTrue(allowed(withAdmin).containsAll(List.of("sethostname", "mount", "unshare", "clone")));
    if (System.getProperty("os.arch").equals("amd64")) {
      assertEquals("[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]", plain.path("architectures").toString());
    }
  }

  @Test
  void dockerAndOciProfilesResolveToTheOciForm() {
    String docker = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
        + "{\"name\": \"chmod\", \"action\": \"SCMP_ACT_ERRNO\"},"
        + "{\"names\": [\"reboot\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": [\"CAP_SYS_BOOT\"]}}]}";
    ObjectNode oci = SeccompProfile.parse(docker.getBytes(StandardCharsets.UTF_8), "test").forSpec(List.of());
    assertEquals("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"chmod\"],\"action\":"
        + "\"SCMP_ACT_ERRNO\"},{\"names\":[\"reboot\"],\"action\":\"SCMP_ACT_ERRNO\"}]}", oci.toString());
    assertEquals(1, SeccompProfile.parse(docker.getBytes(StandardCharsets.UTF_8), "test")
        .forSpec(List.of("CAP_SYS_BOOT")).path("syscalls").size(), "excluded for a holder of CAP_SYS_BOOT");

    assertThrows(InvalidValueException.class, () -> SeccompProfile.parse("{".getBytes(), "p"));
    assertThrows(InvalidValueException.class, () -> SeccompProfile.parse("{\"syscalls\": []}".getBytes(), "p"));
  }

  @Test
  void theSpecCarriesProfileSysctlsAndRootPropagationButAPrivilegedContainerNoProfile() {
    Spec spec = SpecBuilder.create("ns", "c1").entrypoint(List.of("sh")).seccomp(SeccompProfile.defaultProfile())
        .sysctls(Map.of("net.ipv4.ip_forward", "1")).rootfsPropagation("rshared").build();
    assertEquals("SCMP_ACT_ERRNO", spec.linux().seccomp().path("defaultAction").asText());
    assertEquals(Map.of("net.ipv4.ip_forward", "1"), spec.linux().sysctl());
    assertEquals("rshared", spec.linux().rootfsPropagation());
    String json = new String(SpecJson.toBytes(spec), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}") && json.contains("\"rootfsPropagation\""),
        json);

    Spec privileged = SpecBuilder.create("ns", "c2").entrypoint(List.of("sh")).privileged(List.of())
        .seccomp(SeccompProfile.defaultProfile()).build();
    assertNull(privileged.linux().seccomp());
    assertFalse(new String(SpecJson.toBytes(privileged), StandardCharsets.UTF_8).contains("seccomp"));
    assertThrows(InvalidValueException.class, () -> SpecBuilder.create("ns", "c3").sysctls(Map.of("bad name", "1")));
  }
}
