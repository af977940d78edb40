package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.images.ImageConfig;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerMetadata;
import runtime.v1.HugepageLimit;
import runtime.v1.LinuxContainerConfig;
import runtime.v1.LinuxContainerResources;

/** A CRI container's resources in its OCI spec, as containerd's CRI puts them there. */
class ContainerSpecsTest {
  private static final ImageConfig BUSYBOX = ImageConfig.parse(
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
          .getBytes(StandardCharsets.UTF_8));

  @Test
  void unifiedCgroupFilesGoInTheSpecForRuncToWriteAndHugepageLimitsAreLeftOutAsContainerdsDefault() {
    ContainerConfig config = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("c"))
        .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
            .setMemoryLimitInBytes(64L << 20).putUnified("memory.high", "50000000")
            .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20))))
        .build();
    ContainerSpecs.Pod pod = new ContainerSpecs.Pod(new PodSandboxes.Namespaces("", "", "", "", List.of(), ""),
        false, "", List.of("/h/hosts", "/h/hostname", "/h/resolv.conf"), Map.of(), "p");
    Spec spec = ContainerSpecs.prepare("k8s.io", "c1", config, BUSYBOX, pod).build();
    assertEquals(Map.of("memory.high", "50000000"), spec.linux().resources().unified());
    String json = new String(SpecJson.toBytes(spec), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"unified\":{\"memory.high\":\"50000000\"}"), json);
    assertTrue(!json.contains("hugepageLimits"), json);
  }
}
