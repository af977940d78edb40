package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.berth.client.ClientException;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The JSON names every field as the OCI runtime spec does, and leaves out what is not set. */
class SpecJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Spec fullSpec() {
    RootfsFiles files = path -> Optional.ofNullable(Map.of(
        "/etc/passwd", "root:x:0:0::/root:/bin/sh\n", "/etc/group", "root:x:0:\nwheel:x:10:root\n").get(path))
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
    List<Spec.IdMapping> map = List.of(new Spec.IdMapping(0, 100000, 65536));
    return SpecBuilder.create("default", "web")
        .image(ImageConfig.parse(TestImages.busybox().config()))
        .rootfsFiles(files)
        .terminal(true)
        .noNewPrivileges(true)
        .readOnlyRootfs(true)
        .memory(64L << 20).memorySwap(-1)
        .cpus(ResourceFlags.cpus("0.5")).cpuShares(512).cpusetCpus("0")
        .pidsLimit(20)
        .userNamespace(map, map)
        .joinNamespace(NamespaceType.NETWORK, "/proc/1/ns/net")
        .annotation("a", "b")
        .build();
  }

  @Test
  void fieldNamesAreTheSpecs() throws Exception {
    JsonNode root = JSON.readTree(SpecJson.toBytes(fullSpec()));

    assertEquals(List.of("ociVersion", "process", "root", "hostname", "mounts", "linux", "annotations"), names(root));
    assertEquals(List.of("terminal", "user", "args", "env", "cwd", "capabilities", "rlimits", "noNewPrivileges"),
        names(root.path("process")));
    JsonNode user = root.path("process").path("user");
    assertEquals(0, user.path("uid").asInt(-1), "uid 0 is written, not left out");
    assertEquals(0, user.path("gid").asInt(-1));
    assertEquals(10, user.path("additionalGids").path(0).asInt());
    assertEquals(List.of("bounding", "effective", "permitted"), names(root.path("process").path("capabilities")),
        "empty capability sets are left out");
    assertEquals(List.of("type", "hard", "soft"), names(root.path("process").path("rlimits").path(0)));
    assertEquals(List.of("path", "readonly"), names(root.path("root")));
    assertEquals(List.of("destination", "type", "source", "options"), names(root.path("mounts").path(0)));

    JsonNode linux = root.path("linux");
    assertEquals(List.of("uidMappings", "gidMappings", "resources", "cgroupsPath", "namespaces", "maskedPaths",
        "readonlyPaths"), names(linux));
    assertEquals(List.of("containerID", "hostID", "size"), names(linux.path("uidMappings").path(0)));
    JsonNode resources = linux.path("resources");
    assertEquals(List.of("devices", "memory", "cpu", "pids"), names(resources));
    assertEquals(List.of("allow", "access"), names(resources.path("devices").path(0)));
    assertFalse(resources.path("devices").path(0).path("allow").asBoolean(true));
    assertEquals(67108864L, resources.path("memory").path("limit").asLong());
    assertEquals(-1, resources.path("memory").path("swap").asLong());
    assertEquals(List.of("shares", "quota", "period", "cpus"), names(resources.path("cpu")));
    assertEquals(50000, resources.path("cpu").path("quota").asLong());
    assertEquals(100000, resources.path("cpu").path("period").asLong());
    assertEquals(20, resources.path("pids").path("limit").asLong());
    assertEquals("/default/web", linux.path("cgroupsPath").asText());
    List<String> namespaceFields = new ArrayList<>();
    for (JsonNode ns : linux.path("namespaces")) {
      namespaceFields.add(ns.path("type").asText() + (ns.has("path") ? "=" + ns.path("path").asText() : ""));
    }
    assertEquals(List.of("pid", "network=/proc/1/ns/net", "mount", "ipc", "uts", "user"), namespaceFields,
        "a new namespace has no path field");
    assertTrue(linux.path("maskedPaths").isArray());
    assertEquals("b", root.path("annotations").path("a").asText());
  }

  @Test
  void unsetResourcesAndOptionsAreLeftOut() throws Exception {
    Spec spec = SpecBuilder.create("default", "plain").image(ImageConfig.parse(TestImages.busybox().config())).build();
    JsonNode root = JSON.readTree(SpecJson.toBytes(spec));
    assertEquals(List.of("devices"), names(root.path("linux").path("resources")));
    assertFalse(root.has("annotations"));
    assertFalse(root.path("linux").has("uidMappings"));
    assertFalse(root.path("process").path("user").has("additionalGids"));
  }

  @Test
  void anyCarriesTheJsonUnderContainerdsTypeUrl() {
    Spec spec = fullSpec();
    Any any = SpecJson.toAny(spec);
    assertEquals("types.containerd.io/opencontainers/runtime-spec/1/Spec", any.getTypeUrl());
    assertEquals(ByteString.copyFrom(SpecJson.toBytes(spec)), any.getValue());
    assertEquals(spec, SpecJson.fromAny(any));

    assertThrows(ClientException.class, () -> SpecJson.fromAny(Any.newBuilder().setTypeUrl("other").build()));
    assertThrows(ClientException.class, () -> SpecJson.fromBytes("{\"process\": 3".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsSpecsOtherClientsWroteIgnoringWhatItDoesNotModel() {
    String ctrStyle = "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
        + "\"args\":[\"sh\"],\"cwd\":\"/\",\"apparmorProfile\":\"x\"},\"root\":{\"path\":\"rootfs\"},"
        + "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"},\"cgroupsPath\":\"/default/c\"}}";
    Spec spec = SpecJson.fromBytes(ctrStyle.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("sh"), spec.process().args());
    assertEquals("/default/c", spec.linux().cgroupsPath());
  }

  @Test
  void processOfReadsTheProcessAloneWhereverItStands() {
    Spec spec = fullSpec();
    assertEquals(spec.process(), SpecJson.processOf(SpecJson.toAny(spec)));

    String processLast = "{\"linux\":{\"seccomp\":{\"syscalls\":[{\"names\":[\"read\"]}]},\"namespaces\":[]},"
        + "\"mounts\":[{\"destination\":\"/proc\"}],\"process\":{\"args\":[\"sh\"],\"env\":[\"A=1\"],"
        + "\"cwd\":\"/w\",\"apparmorProfile\":\"x\"}}";
    Spec.Process process = SpecJson.processOf(any(processLast));
    assertEquals(List.of("sh"), process.args());
    assertEquals(List.of("A=1"), process.env());
    assertEquals("/w", process.cwd());
  }

  @Test
  void anUnlimitedRlimitIsTheSpecsUint64Maximum() throws Exception {
    Spec spec = SpecBuilder.create("default", "web").image(ImageConfig.parse(TestImages.busybox().config()))
        .ulimit(Ulimit.parse("core=-1")).build();
    JsonNode core = JSON.readTree(SpecJson.toBytes(spec)).path("process").path("rlimits").path(1);
    assertEquals("RLIMIT_CORE", core.path("type").asText());
    assertEquals("18446744073709551615", core.path("hard").asText());
    assertEquals("18446744073709551615", core.path("soft").asText());
    assertEquals(spec.process(), SpecJson.processOf(SpecJson.toAny(spec)));
    assertEquals(spec.process(), SpecJson.fromBytes(SpecJson.toBytes(spec)).process());
    assertEquals(core, JSON.readTree(SpecJson.processJson(spec.process())).path("rlimits").path(1));
  }

  @Test
  void theProcessReadsAndWritesAsJacksonsDataBindingDoes() throws Exception {
    // every field the record models, nulls, and fields it does not model (skipped, nested or not)
    String process = "{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},"
        + "\"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[10,20],\"username\":\"u\"},"
        + "\"args\":[\"sh\",\"-c\",\"echo ok\"],\"env\":null,\"cwd\":\"/srv\","
        + "\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\",\"CAP_CHOWN\"],"
        + "\"ambient\":null},\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":512}],"
        + "\"noNewPrivileges\":true,\"oomScoreAdj\":-500,\"apparmorProfile\":\"x\",\"selinuxLabel\":\"\"}";
    for (String json : List.of(process, "{}", "{\"args\":[\"true\"],\"user\":{},\"capabilities\":{}}")) {
      Spec.Process bound = JSON.readValue(json, Spec.Process.class);
      assertEquals(bound, SpecJson.processOf(any("{\"process\":" + json + "}")), json);
      assertEquals(JSON.readTree(JSON.writeValueAsBytes(bound)), JSON.readTree(SpecJson.processJson(bound)), json);
    }
  }

  @Test
  void processOfRefusesSpecsWithoutAProcessOrNotJson() {
    assertThrows(ClientException.class, () -> SpecJson.processOf(any("{\"root\":{\"path\":\"rootfs\"}}")));
    assertThrows(ClientException.class, () -> SpecJson.processOf(any("[1]")));
    assertThrows(ClientException.class, () -> SpecJson.processOf(any("{\"process\": {\"args\": [")));
    assertThrows(ClientException.class, () -> SpecJson.processOf(any("{\"process\": {\"args\": \"sh\"}}")));
    assertThrows(ClientException.class, () -> SpecJson.processOf(Any.newBuilder().setTypeUrl("other").build()));
  }

  @Test
  void processJsonIsTheProcessAsTheSpecWritesIt() throws Exception {
    Spec spec = fullSpec();
    assertEquals(JSON.readTree(SpecJson.toBytes(spec)).path("process"),
        JSON.readTree(SpecJson.processJson(spec.process())));
  }

  private static Any any(String json) {
    return Any.newBuilder().setTypeUrl(SpecJson.TYPE_URL).setValue(ByteString.copyFromUtf8(json)).build();
  }

  private static List<String> names(JsonNode node) {
    return node.properties().stream().map(Map.Entry::getKey).toList();
  }
}
