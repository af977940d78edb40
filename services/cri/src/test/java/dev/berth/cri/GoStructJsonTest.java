package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerMetadata;
import runtime.v1.Int64Value;
import runtime.v1.LinuxContainerConfig;
import runtime.v1.LinuxContainerResources;
import runtime.v1.LinuxContainerSecurityContext;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;

class GoStructJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** As containerd 1.6.20's crictl inspect printed the same config (Dec 5, side by side). */
  @Test
  void aConfigReadsAsContainerdPrintsIt() throws Exception {
    ContainerConfig config = ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName("app"))
        .setLogPath("app/0.log")
        .putLabels("io.kubernetes.pod.name", "web").putLabels("app", "web")
        .addCommand("sh").addCommand("-c")
        .setLinux(LinuxContainerConfig.newBuilder()
            .setResources(LinuxContainerResources.newBuilder().setCpuQuota(50_000).setMemoryLimitInBytes(67_108_864))
            .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER))
                .setRunAsUser(Int64Value.newBuilder().setValue(0))))
        .build();
    JsonNode json = JSON.readTree(GoStructJson.of(config));

    JsonNode resources = json.path("linux").path("resources");
    assertTrue(resources.path("memory_limit_in_bytes").isIntegralNumber(), json.toString());
    assertEquals(67_108_864L, resources.path("memory_limit_in_bytes").asLong());
    assertEquals(50_000, resources.path("cpu_quota").asInt());
    JsonNode pid = json.path("linux").path("security_context").path("namespace_options").path("pid");
    assertTrue(pid.isInt(), "an enum is its number, as Go prints it: " + json);
    assertEquals(1, pid.asInt());
    assertEquals("{}", json.path("linux").path("security_context").path("run_as_user").toString(),
        "a message set to its zero value is there, empty");
    assertEquals("app/0.log", json.path("log_path").asText());
    assertEquals(List.of("app", "io.kubernetes.pod.name"), List.copyOf(iterable(json.path("labels").fieldNames())));
    assertEquals("[\"sh\",\"-c\"]", json.path("command").toString());
    assertFalse(json.has("tty") || json.has("args") || resources.has("cpu_period"),
        "zero values are left out: " + json);
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> list = new java.util.ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }
}
