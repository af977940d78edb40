/**
 * The gRPC face of the tasks module: containerd's Tasks and Containers APIs and Berth's Logs
 * API, each mapping messages to the domain ({@link dev.berth.tasks.Tasks},
 * {@link dev.berth.tasks.containers.ContainerStore}, {@link dev.berth.tasks.logs.TaskLogs}) in
 * the caller's namespace, and the domain's errors to their status codes.
 */
package dev.berth.tasks.server;
