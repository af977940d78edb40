package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.store.MetadataStore;
import dev.berth.restart.RestartMonitor;
import dev.berth.tasks.TaskManager;
import dev.berth.tasks.TasksService;
import dev.berth.tasks.containers.ContainerStore;
import dev.berth.tasks.containers.ContainersService;
import dev.berth.tasks.logs.LogsService;
import dev.berth.tasks.runtime.RuntimeConfig;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Container records, their processes and logs, and the monitor that carries out restart
 * policies. Stopping berthd stops only the watching and relaying: the containers and their
 * monitors run on, and the next berthd picks them up.
 */
@Module
final class TasksModule {
  private TasksModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.TASKS)
  static ServiceGroup tasks(DaemonConfig config, MetadataStore store, EventPublisher events,
      NamespaceRegistration namespaces, Channel api) {
    try {
      ContainerStore containers = new ContainerStore(store, namespaces);
      TaskManager tasks = TaskManager.open(config.state(), containers, events, api, RuntimeConfig.defaults());
      LogsService logs = new LogsService(tasks);
      // once every service answers: attachments a crash left behind go, and restart policies,
      // berthd's to carry out, start being carried out
      RestartMonitor restarts = new RestartMonitor(api);
      return new ServiceGroup(ServiceGroups.TASKS,
          List.of(new ContainersService(containers, events), new TasksService(tasks), logs),
          new ServiceGroup.Background(() -> {
            tasks.detachOrphanedAttachments();
            restarts.start();
          }, restarts::close),
          () -> {
            logs.close();
            tasks.close();
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
