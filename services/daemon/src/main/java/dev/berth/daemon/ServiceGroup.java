package dev.berth.daemon;

import io.grpc.BindableService;
import java.util.List;

/**
 * The gRPC services one Berth module serves on its own socket, {@code STATE/<name>.sock}; what
 * it starts once every service of the daemon answers; and what it holds that must be released
 * after its servers stop.
 */
public record ServiceGroup(String name, List<BindableService> services, Runnable whenServing,
    AutoCloseable resources) {
  public ServiceGroup(String name, List<BindableService> services, AutoCloseable resources) {
    this(name, services, () -> {}, resources);
  }

  public ServiceGroup(String name, List<BindableService> services) {
    this(name, services, () -> {}, () -> {});
  }
}
