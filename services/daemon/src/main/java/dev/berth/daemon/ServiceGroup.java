package dev.berth.daemon;

import io.grpc.BindableService;
import java.util.List;

/**
 * The gRPC services one Berth module serves on its own socket, {@code STATE/<name>.sock}, and
 * what the module holds that must be released after its servers stop.
 */
public record ServiceGroup(String name, List<BindableService> services, AutoCloseable resources) {
  public ServiceGroup(String name, List<BindableService> services) {
    this(name, services, () -> {});
  }
}
