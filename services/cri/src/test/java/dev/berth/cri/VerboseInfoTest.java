package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.Attachment;
import berth.network.v1.CniResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import dev.berth.client.containers.ContainerState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerMetadata;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxMetadata;

/** crictl inspect's and inspectp's {@code info}, key by key as containerd 1.6 prints them. */
class VerboseInfoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path pods;

  @Test
  void aContainersInfoHasContainerdsKeysInItsOrder() throws Exception {
    Container record = Container.newBuilder().setId("c1").putLabels(CriRecords.SANDBOX_ID, "pod1")
        .setSnapshotter("overlayfs").setSnapshotKey("c1")
        .setRuntime(Container.Runtime.newBuilder().setName(CriRecords.RUNTIME))
        .setSpec(Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Spec")
            .setValue(ByteString.copyFromUtf8("{\"ociVersion\":\"1.0.2-dev\"}")))
        .build();
    ContainerConfig config = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("c"))
        .build();
    JsonNode info = JSON.readTree(CriMessages.containerInfo(
        new CriContainers.CriContainer(new ContainerState(record, Optional.empty()), config)));
    assertEquals(List.of("sandboxID", "pid", "removing", "snapshotKey", "snapshotter", "runtimeType",
        "runtimeOptions", "config", "runtimeSpec"), fieldNames(info));
    assertEquals("pod1", info.get("sandboxID").asText());
    assertEquals("c1", info.get("snapshotKey").asText());
    assertEquals("overlayfs", info.get("snapshotter").asText());
    assertEquals("io.containerd.runc.v2", info.get("runtimeType").asText());
    assertTrue(info.get("removing").isBoolean());
    assertEquals("1.0.2-dev", info.get("runtimeSpec").get("ociVersion").asText());
  }

  @Test
  void aPodsInfoHasTheCniResultAsContainerdPrintsItsPlugins() throws Exception {
    Container record = Container.newBuilder().setId("pod1").putLabels(CriRecords.STATE, CriRecords.READY).build();
    PodSandboxConfig config = PodSandboxConfig.newBuilder().setHostname("p")
        .setMetadata(PodSandboxMetadata.newBuilder().setName("p").setNamespace("default").setUid("u")).build();
    CniResult result = CniResult.newBuilder().setCniVersion("1.0.0")
        .addInterfaces(CniResult.Interface.newBuilder().setName("veth1").setMac("aa:bb:cc:dd:ee:01"))
        .addInterfaces(CniResult.Interface.newBuilder().setName("eth0").setMac("aa:bb:cc:dd:ee:02")
            .setSandbox("/run/netns/p"))
        .addIps(CniResult.IpConfig.newBuilder().setAddress("10.88.0.5/16").setGateway("10.88.0.1").setInterface(1))
        .addRoutes(CniResult.Route.newBuilder().setDst("0.0.0.0/0"))
        .build();
    Attachment network = Attachment.newBuilder().setContainerId("pod1").setNetnsPath("/run/netns/p")
        .setResult(result).build();
    JsonNode info = JSON.readTree(SandboxInfo.of(new PodSandboxes.Sandbox(record, config, false), Optional.of(network),
        new PodNamespaces(pods), Optional.empty()));
    JsonNode cni = info.get("cniResult");
    assertEquals("10.88.0.5", cni.at("/Interfaces/eth0/IPConfigs/0/IP").asText());
    assertEquals("10.88.0.1", cni.at("/Interfaces/eth0/IPConfigs/0/Gateway").asText());
    assertEquals("/run/netns/p", cni.at("/Interfaces/eth0/Sandbox").asText());
    assertTrue(cni.at("/Interfaces/veth1/IPConfigs").isNull(), "a host-side interface has no addresses");
    assertEquals("0.0.0.0/0", cni.at("/Routes/0/dst").asText());
    assertEquals("cniResult", fieldNames(info).get(fieldNames(info).size() - 1), "last, as in containerd's");

    JsonNode stopped = JSON.readTree(SandboxInfo.of(new PodSandboxes.Sandbox(record, config, false), Optional.empty(),
        new PodNamespaces(pods), Optional.empty()));
    assertTrue(stopped.get("cniResult").isNull());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
