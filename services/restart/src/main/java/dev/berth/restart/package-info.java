/**
 * berthd's restart monitor, containerd's restart manager: no gRPC service and no store of its
 * own. {@link dev.berth.restart.RestartMonitor} follows task exits through the Events API and
 * the containers' restart labels ({@link dev.berth.api.labels.ContainerLabels}) through the
 * Containers API, and {@code ContainerRestarter} restarts or removes containers through the
 * Tasks and Containers APIs, as any client could.
 */
package dev.berth.restart;
