package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;

import berth.network.v1.AttachRequest;
import berth.network.v1.ResolvConfStyle;
import containerd.services.containers.v1.Container;
import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.DNSConfig;
import runtime.v1.LinuxPodSandboxConfig;
import runtime.v1.LinuxSandboxSecurityContext;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;
import runtime.v1.PodSandboxConfig;

/** What a pod asks of the network service for its /etc/resolv.conf, as containerd 1.7's CRI writes one. */
class PodAttachRequestTest {
  private static final PodSandboxConfig NODE_NETWORK = PodSandboxConfig.newBuilder()
      .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
          .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)))).build();

  private static AttachRequest request(PodSandboxConfig config) {
    return PodSandboxes.attachRequest(new PodSandboxes.Sandbox(Container.newBuilder().setId("pod").build(), config,
        false), "pod");
  }

  @Test
  void aPodWithoutADnsConfigGetsTheHostsFileAsItIsOnEitherNetwork() {
    for (PodSandboxConfig config : List.of(PodSandboxConfig.getDefaultInstance(), NODE_NETWORK)) {
      AttachRequest r = request(config);
      assertEquals(ResolvConfStyle.RESOLV_CONF_HOST_COPY, r.getResolvConfStyle(), r.getNetwork());
      assertEquals(List.of(), r.getDnsServersList());
    }
  }

  @Test
  void aPodWithADnsConfigEvenAnEmptyOneGetsItsLinesAloneOnEitherNetwork() {
    DNSConfig dns = DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("default.svc.cluster.local")
        .addOptions("ndots:5").build();
    for (PodSandboxConfig base : List.of(PodSandboxConfig.getDefaultInstance(), NODE_NETWORK)) {
      AttachRequest r = request(base.toBuilder().setDnsConfig(dns).build());
      assertEquals(ResolvConfStyle.RESOLV_CONF_CONTAINERD, r.getResolvConfStyle(), r.getNetwork());
      assertEquals(List.of("10.96.0.10"), r.getDnsServersList());
      assertEquals(List.of("default.svc.cluster.local"), r.getDnsSearchList());
      assertEquals(List.of("ndots:5"), r.getDnsOptionsList());
      AttachRequest empty = request(base.toBuilder().setDnsConfig(DNSConfig.getDefaultInstance()).build());
      assertEquals(ResolvConfStyle.RESOLV_CONF_CONTAINERD, empty.getResolvConfStyle(), "containerd writes an empty file");
    }
  }
}
