package dev.berth.tasks;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dev.berth.tasks.attach.TaskAttachments;
import dev.berth.tasks.cgroups.CgroupLayout;
import dev.berth.tasks.logs.TaskLogs;
import dev.berth.tasks.network.ContainerNetworking;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.spec.HostLimits;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import javax.inject.Singleton;

/**
 * The tasks domain's pieces. The including component supplies {@link TasksConfig}, the
 * container records ({@link dev.berth.tasks.containers.ContainerLookup}), an
 * {@link dev.berth.common.events.EventPublisher}, the {@link Channel} to the other services
 * (Snapshots, network Attachments) and a {@link dev.berth.tasks.runtime.TaskRuntime}, such as
 * {@link dev.berth.tasks.runtime.ConmonRuntimeModule}'s.
 */
@Module
public abstract class TasksModule {
  private static final Logger LOG = Logger.getLogger(TasksModule.class.getName());

  private TasksModule() {}

  @Binds
  abstract Tasks tasks(TaskManager manager);

  @Binds
  abstract TaskLogs taskLogs(TaskManager manager);

  @Binds
  abstract TaskAttachments taskAttachments(TaskManager manager);

  @Provides
  static RuntimeConfig runtimeConfig(TasksConfig config) {
    return config.runtime();
  }

  /** The state directory, made if absent; refused when conmon's attach socket paths under it would not fit. */
  @Provides
  @Singleton
  static TaskLayout layout(TasksConfig config) {
    Path state = config.state().toAbsolutePath();
    // conmon binds <state>/s/<16 hex>/attach; a longer path than sun_path holds would be cut short silently
    int socketPath = state.resolve("s").toString().length() + 1 + 16 + "/attach".length();
    if (socketPath > 107) {
      throw new IllegalArgumentException("state directory " + state + " is too long for attach socket paths (at most 107 bytes)");
    }
    try {
      Files.createDirectories(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TaskLayout(state);
  }

  @Provides
  @Singleton
  static CgroupLayout cgroups() {
    CgroupLayout cgroups = CgroupLayout.detect();
    LOG.info("tasks: cgroups " + cgroups.mode());
    return cgroups;
  }

  @Provides
  @Singleton
  static HostLimits hostLimits() {
    HostLimits host = HostLimits.ofThisProcess();
    if (!host.hasSysResource()) {
      LOG.info("tasks: without CAP_SYS_RESOURCE");
    }
    return host;
  }

  @Provides
  @Singleton
  static ExitWatcher exitWatcher() {
    try {
      return new ExitWatcher();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provides
  @Singleton
  static ContainerNetworking networking(Channel api) {
    return new ContainerNetworking(api);
  }
}
