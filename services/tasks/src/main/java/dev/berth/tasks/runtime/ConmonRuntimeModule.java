package dev.berth.tasks.runtime;

import dagger.Module;
import dagger.Provides;
import dev.berth.tasks.cgroups.CgroupLayout;
import javax.inject.Singleton;

/** Tasks run by an OCI runtime under conmon, as berthd runs them. */
@Module
public final class ConmonRuntimeModule {
  private ConmonRuntimeModule() {}

  @Provides
  @Singleton
  static TaskRuntime runtime(RuntimeConfig config, CgroupLayout cgroups) {
    return new ConmonRuntime(config, cgroups);
  }
}
