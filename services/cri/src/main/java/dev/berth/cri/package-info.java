/**
 * Kubernetes' Container Runtime Interface (runtime.v1) on Berth, for the kubelet, crictl and
 * critest. {@link dev.berth.cri.RuntimeService} and {@link dev.berth.cri.ImageService} (gRPC,
 * thin) over {@link dev.berth.cri.RuntimeState} and {@link dev.berth.cri.CriImages}, whose
 * implementations reach berthd's other services only through their APIs (Version, Tasks,
 * Networks, Images, Content, Snapshots, Introspection, Transfer), in the containerd namespace
 * {@value dev.berth.cri.CriServices#NAMESPACE} as containerd's CRI plugin keeps its objects.
 *
 * <pre>{@code
 * StreamingServer streaming = CriServices.streamingServer(address, api);
 * List<BindableService> cri = CriServices.over(api, streaming);
 * }</pre>
 */
package dev.berth.cri;
