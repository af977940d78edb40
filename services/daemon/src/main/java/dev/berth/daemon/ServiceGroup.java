package dev.berth.daemon;

import io.grpc.BindableService;
import java.util.List;

/**
 * The gRPC services one Berth module serves on its own socket, {@code STATE/<name>.sock}; work
 * it does on its own while the daemon serves; and what it holds that must be released after
 * its servers stop.
 */
public record ServiceGroup(String name, List<BindableService> services, Background background,
    AutoCloseable resources) {
  public ServiceGroup(String name, List<BindableService> services, AutoCloseable resources) {
    this(name, services, Background.NONE, resources);
  }

  public ServiceGroup(String name, List<BindableService> services) {
    this(name, services, Background.NONE, () -> {});
  }

  /**
   * Started once every service of the daemon answers (it may call any of them), stopped before
   * any server stops.
   */
  public record Background(Runnable start, Runnable stop) {
    static final Background NONE = new Background(() -> {}, () -> {});
  }
}
