package dev.berth.daemon;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.store.MetadataStore;
import dev.berth.restart.HealthMonitor;
import dev.berth.restart.RestartMonitor;
import dev.berth.tasks.TaskManager;
import dev.berth.tasks.TasksConfig;
import dev.berth.tasks.containers.ContainerLookup;
import dev.berth.tasks.containers.ContainerStore;
import dev.berth.tasks.runtime.ConmonRuntimeModule;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.server.AttachService;
import dev.berth.tasks.server.ContainersService;
import dev.berth.tasks.server.LogsService;
import dev.berth.tasks.server.TasksService;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.inject.Singleton;

/**
 * Container records, their processes and logs, and the monitor that carries out restart
 * policies. Stopping berthd stops only the watching and relaying: the containers and their
 * monitors run on, and the next berthd picks them up.
 */
@Module(includes = {dev.berth.tasks.TasksModule.class, ConmonRuntimeModule.class})
abstract class TasksModule {
  private TasksModule() {}

  @Binds
  abstract ContainerLookup containerLookup(ContainerStore containers);

  @Provides
  @Singleton
  static ContainerStore containers(MetadataStore store, NamespaceRegistration namespaces) {
    return new ContainerStore(store, namespaces);
  }

  @Provides
  static TasksConfig tasksConfig(DaemonConfig config) {
    return new TasksConfig(config.state(), RuntimeConfig.defaults());
  }

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.TASKS)
  static ServiceGroup tasks(ContainerStore containers, TaskManager tasks, TasksService service, EventPublisher events,
      Channel api) {
    AttachService attach = new AttachService(tasks);
    try {
      LogsService logs = new LogsService(tasks);
      // once every service answers: the tasks a previous berthd left are recovered, attachments
      // a crash left behind go, and restart policies and health checks, berthd's to carry out, start
      // being carried out
      RestartMonitor restarts = new RestartMonitor(api);
      HealthMonitor health = new HealthMonitor(api);
      return new ServiceGroup(ServiceGroups.TASKS,
          List.of(new ContainersService(containers, events), service, logs, attach),
          new ServiceGroup.Background(() -> {
            tasks.beginRecovery();
            tasks.detachOrphanedAttachments();
            restarts.start();
            health.start();
          }, () -> {
            health.close();
            restarts.close();
          }),
          () -> {
            logs.close();
            tasks.close();
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
