package dev.berth.daemon;

import io.grpc.BindableService;
import java.util.List;

/** The gRPC services one Berth module serves on its own socket, {@code STATE/<name>.sock}. */
public record ServiceGroup(String name, List<BindableService> services) {}
