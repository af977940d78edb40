package dev.berth.tasks;

import dagger.BindsInstance;
import dagger.Component;
import dev.berth.common.events.EventPublisher;
import dev.berth.tasks.containers.ContainerLookup;
import dev.berth.tasks.runtime.TaskRuntime;
import dev.berth.tasks.server.TasksService;
import io.grpc.Channel;
import javax.inject.Singleton;

/** The tasks domain as berthd wires it, on a runtime the test gives. */
@Singleton
@Component(modules = TasksModule.class)
interface FakeTasks {
  TaskManager manager();

  TasksService service();

  @Component.Factory
  interface Factory {
    FakeTasks create(@BindsInstance TasksConfig config, @BindsInstance ContainerLookup containers,
        @BindsInstance EventPublisher events, @BindsInstance Channel api, @BindsInstance TaskRuntime runtime);
  }
}
