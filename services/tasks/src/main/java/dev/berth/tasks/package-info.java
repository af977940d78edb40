/**
 * containerd's tasks: {@link dev.berth.tasks.Tasks}, the domain interface (requests and answers
 * as {@link dev.berth.tasks.TaskSpec}, {@link dev.berth.tasks.ProcessState},
 * {@link dev.berth.tasks.TaskDeletion} ...), implemented by {@link dev.berth.tasks.TaskManager}
 * over a {@link dev.berth.tasks.runtime.TaskRuntime}; the gRPC services in
 * {@link dev.berth.tasks.server} are thin mappings onto it.
 *
 * <p>Each process's state lives in one object, changed under its own lock, and no runtime call
 * runs under a lock: a change is marked under way, the runtime runs, the result is committed.
 * So a hung runtime holds up only calls about the same process, never List, Get or Metrics.
 *
 * <p>Other services are reached through their gRPC APIs alone, on the channel berthd gives:
 * the snapshots a rootfs is mounted from ({@link dev.berth.tasks.SnapshotMounts}) and the
 * network a container's labels ask for ({@link dev.berth.tasks.network.ContainerNetworking}).
 *
 * <p>Wiring, as berthd does it: a Dagger component with {@link dev.berth.tasks.TasksModule} and
 * {@link dev.berth.tasks.runtime.ConmonRuntimeModule}, given a {@link dev.berth.tasks.TasksConfig},
 * the container records, an event publisher and the channel to the other services; tests bind
 * a runtime of their own instead of conmon's.
 */
package dev.berth.tasks;
