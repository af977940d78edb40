/**
 * What runs the tasks' processes: {@link dev.berth.tasks.runtime.TaskRuntime}, the interface the
 * domain ({@link dev.berth.tasks.TaskManager}) calls, and its one production implementation,
 * {@link dev.berth.tasks.runtime.ConmonRuntime}: conmon runs the OCI runtime's create and exec
 * and monitors each process (outliving berthd), the runtime's own commands do the rest.
 * {@link dev.berth.tasks.runtime.RuntimeConfig} says which binaries serve which runtime names;
 * {@link dev.berth.tasks.runtime.ConmonRuntimeModule} binds it all for Dagger.
 *
 * <p>Nothing here keeps task state or takes locks: every call may take as long as the runtime
 * binary does, and the domain calls it with no lock held, so tests can put a runtime without
 * processes in its place.
 */
package dev.berth.tasks.runtime;
