package dev.berth.tasks.testing;

import dagger.BindsInstance;
import dagger.Component;
import dev.berth.common.events.EventPublisher;
import dev.berth.tasks.TaskManager;
import dev.berth.tasks.TasksConfig;
import dev.berth.tasks.TasksModule;
import dev.berth.tasks.containers.ContainerLookup;
import dev.berth.tasks.runtime.ConmonRuntimeModule;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.server.TasksService;
import io.grpc.Channel;
import java.nio.file.Path;
import javax.inject.Singleton;

/** The tasks domain on runc under conmon, wired as berthd wires it, for kernel tests here and in other modules. */
@Singleton
@Component(modules = {TasksModule.class, ConmonRuntimeModule.class})
public interface ConmonTasks {
  TaskManager manager();

  TasksService service();

  /** Opens the task state under {@code state}, taking over the tasks found there. */
  static ConmonTasks open(Path state, ContainerLookup containers, EventPublisher events, Channel api) {
    return DaggerConmonTasks.factory().create(new TasksConfig(state, RuntimeConfig.defaults()), containers, events, api);
  }

  @Component.Factory
  interface Factory {
    ConmonTasks create(@BindsInstance TasksConfig config, @BindsInstance ContainerLookup containers,
        @BindsInstance EventPublisher events, @BindsInstance Channel api);
  }
}
