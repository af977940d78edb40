/**
 * Kubernetes' Container Runtime Interface (runtime.v1) on Berth, for the kubelet, crictl and
 * critest. {@link dev.berth.cri.RuntimeService} and {@link dev.berth.cri.ImageService} (gRPC,
 * thin) over {@link dev.berth.cri.RuntimeState}, {@code PodSandboxes}, {@code CriContainers}
 * and {@link dev.berth.cri.CriImages}, whose implementations reach berthd's other services only
 * through their APIs (Version, Containers, Tasks, Logs, Events, Networks/Attachments, Images,
 * Content, Snapshots, Introspection, Transfer) and the client library's container operations, in
 * the containerd namespace {@value dev.berth.cri.CriServices#NAMESPACE} as containerd's CRI
 * plugin keeps its objects. Pods have no pause container (see {@code PodNamespaces}). ExecSync,
 * Exec, Attach and PortForward: {@link dev.berth.cri.streaming}.
 *
 * <pre>{@code
 * StreamingServer streaming = CriServices.streamingServer(address, api);
 * CriServices cri = CriServices.over(api, stateDirectory.resolve("cri"), streaming);
 * server.addServices(cri.services());
 * cri.start(); // once the APIs it calls answer
 * }</pre>
 */
package dev.berth.cri;
