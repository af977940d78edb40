package dev.berth.cri;

import berth.network.v1.Attachment;
import berth.network.v1.CniResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.grpc.Errors;
import java.util.Optional;
import runtime.v1.PodSandboxConfig;

/**
 * A pod's verbose status info ({@code crictl inspectp}'s {@code info}) in the shape of
 * containerd's {@code sandboxInfo}, with what Berth has without a pause container: the pid of the
 * process holding the pod's PID namespace (0 without one), whether it runs, the network
 * namespace, the config in the kubelet's field names, and a {@code runtimeSpec} holding what the
 * pause container's spec would tell — the hostname, the CRI's annotations, the sysctls and the
 * namespaces the pod's containers join, by path — so that {@code jq
 * '.info.runtimeSpec.linux.namespaces[]'} finds them —, and the network's CNI result in the shape
 * containerd prints its CNI plugins' ({@code cniResult}: interfaces by name with their addresses,
 * DNS, routes; null on the node's network or once stopped). Its pause image, snapshot and runtime
 * fields are left out: there is none.
 */
final class SandboxInfo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SandboxInfo() {}

  /**
   * @param namespaces the pod's IPC and UTS pins, whose paths stand whether or not the pod still
   *     holds them, as a pause container's spec keeps its paths once stopped
   * @param holderPid the pid of the process holding the pod's PID namespace while it runs
   */
  static String of(PodSandboxes.Sandbox s, Optional<Attachment> network, PodNamespaces namespaces,
      Optional<Long> holderPid) {
    ObjectNode info = JSON.createObjectNode();
    info.put("pid", holderPid.orElse(0L));
    // containerd deletes a stopped pod's pause task, and reports a task not there as "deleted"
    info.put("processStatus", s.ready() ? "running" : "deleted");
    info.put("netNamespaceClosed", network.isEmpty());
    info.put("netNamespacePath", network.map(Attachment::getNetnsPath).orElse(""));
    info.put("runtimeHandler", "");
    info.set("config", GoStructJson.tree(s.config()));
    info.set("runtimeSpec", runtimeSpec(s, network, namespaces, holderPid));
    info.set("cniResult", network.filter(a -> !s.hostNetwork() && a.hasResult())
        .map(a -> cniResult(a.getResult())).orElse(null));
    try {
      return JSON.writeValueAsString(info);
    } catch (JsonProcessingException e) {
      throw Errors.internal(e, "cannot write pod %s's info: %s", s.id(), e.getMessage());
    }
  }

  private static ObjectNode runtimeSpec(PodSandboxes.Sandbox s, Optional<Attachment> network,
      PodNamespaces namespaces, Optional<Long> holderPid) {
    PodSandboxConfig c = s.config();
    ObjectNode spec = JSON.createObjectNode();
    spec.put("ociVersion", "1.0.2-dev");
    spec.put("hostname", s.hostname());
    ObjectNode annotations = spec.putObject("annotations");
    annotations.put("io.kubernetes.cri.container-type", "sandbox");
    annotations.put("io.kubernetes.cri.sandbox-id", s.id());
    annotations.put("io.kubernetes.cri.sandbox-log-directory", c.getLogDirectory());
    annotations.put("io.kubernetes.cri.sandbox-name", c.getMetadata().getName());
    annotations.put("io.kubernetes.cri.sandbox-namespace", c.getMetadata().getNamespace());
    annotations.put("io.kubernetes.cri.sandbox-uid", c.getMetadata().getUid());
    ObjectNode linux = spec.putObject("linux");
    if (!c.getLinux().getCgroupParent().isEmpty()) {
      linux.put("cgroupsPath", c.getLinux().getCgroupParent());
    }
    if (c.getLinux().getSysctlsCount() > 0) {
      ObjectNode sysctl = linux.putObject("sysctl");
      c.getLinux().getSysctlsMap().forEach(sysctl::put);
    }
    // the node's namespaces are not listed, as in an OCI spec
    ArrayNode list = linux.putArray("namespaces");
    holderPid.ifPresent(pid -> namespace(list, "pid", "/proc/" + pid + "/ns/pid"));
    if (!s.hostIpc()) {
      namespace(list, "ipc", namespaces.ipc(s.id()).toString());
    }
    if (!s.hostNetwork()) {
      namespace(list, "uts", namespaces.uts(s.id()).toString());
      network.ifPresent(a -> namespace(list, "network", a.getNetnsPath()));
    }
    return spec;
  }

  /**
   * containerd's {@code cni.Result}: Go's field names, each interface's addresses without their
   * prefix length and a null for none.
   */
  private static ObjectNode cniResult(CniResult r) {
    ObjectNode result = JSON.createObjectNode();
    ObjectNode interfaces = result.putObject("Interfaces");
    for (int i = 0; i < r.getInterfacesCount(); i++) {
      CniResult.Interface nic = r.getInterfaces(i);
      ArrayNode ips = JSON.createArrayNode();
      for (CniResult.IpConfig ip : r.getIpsList()) {
        if (ip.hasInterface() && ip.getInterface() == i) {
          ips.addObject().put("IP", ip.getAddress().replaceFirst("/.*", "")).put("Gateway", ip.getGateway());
        }
      }
      ObjectNode entry = interfaces.putObject(nic.getName());
      entry.set("IPConfigs", ips.isEmpty() ? null : ips);
      entry.put("Mac", nic.getMac()).put("Sandbox", nic.getSandbox());
    }
    ObjectNode dns = result.putArray("DNS").addObject();
    CniResult.Dns d = r.getDns();
    if (d.getNameserversCount() > 0) {
      d.getNameserversList().forEach(dns.putArray("nameservers")::add);
    }
    if (!d.getDomain().isEmpty()) {
      dns.put("domain", d.getDomain());
    }
    if (d.getSearchCount() > 0) {
      d.getSearchList().forEach(dns.putArray("search")::add);
    }
    if (d.getOptionsCount() > 0) {
      d.getOptionsList().forEach(dns.putArray("options")::add);
    }
    ArrayNode routes = result.putArray("Routes");
    for (CniResult.Route route : r.getRoutesList()) {
      ObjectNode entry = routes.addObject().put("dst", route.getDst());
      if (!route.getGw().isEmpty()) {
        entry.put("gw", route.getGw());
      }
    }
    return result;
  }

  private static void namespace(ArrayNode list, String type, String path) {
    list.addObject().put("type", type).put("path", path);
  }
}
