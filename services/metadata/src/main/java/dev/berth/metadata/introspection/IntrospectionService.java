package dev.berth.metadata.introspection;

import com.google.protobuf.Empty;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.Plugin;
import containerd.services.introspection.v1.PluginsRequest;
import containerd.services.introspection.v1.PluginsResponse;
import containerd.services.introspection.v1.ServerResponse;
import dev.berth.api.filter.Filter;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * containerd's Introspection API: the server's identity, and the plugins (services and
 * snapshotters) the daemon reports as running. PluginInfo is left unimplemented, as clients
 * only call it for optional details.
 */
public final class IntrospectionService extends IntrospectionGrpc.IntrospectionImplBase {
  public static final String GRPC_PLUGIN = "io.containerd.grpc.v1";
  public static final String SNAPSHOTTER_PLUGIN = "io.containerd.snapshotter.v1";

  private final ServerIdentity identity;
  private final Supplier<List<Plugin>> plugins;

  /** {@code plugins} is asked on every call, so it can list services as they come online. */
  public IntrospectionService(ServerIdentity identity, Supplier<List<Plugin>> plugins) {
    this.identity = identity;
    this.plugins = plugins;
  }

  /** A plugin entry of {@code type} (e.g. {@link #GRPC_PLUGIN}) named {@code id}. */
  public static Plugin plugin(String type, String id) {
    return Plugin.newBuilder().setType(type).setId(id).build();
  }

  @Override
  public void plugins(PluginsRequest request, StreamObserver<PluginsResponse> response) {
    Filter filter = Filter.parse(request.getFiltersList());
    List<Plugin> matching = plugins.get().stream().filter(p -> filter.matches(path -> field(p, path))).toList();
    response.onNext(PluginsResponse.newBuilder().addAllPlugins(matching).build());
    response.onCompleted();
  }

  @Override
  public void server(Empty request, StreamObserver<ServerResponse> response) {
    response.onNext(ServerResponse.newBuilder()
        .setUuid(identity.uuid().toString())
        .setPid(identity.pid())
        .setPidns(identity.pidNamespace())
        .build());
    response.onCompleted();
  }

  private static Optional<String> field(Plugin plugin, List<String> path) {
    if (path.size() != 1) {
      return Optional.empty();
    }
    return switch (path.get(0)) {
      case "type" -> Optional.of(plugin.getType());
      case "id" -> Optional.of(plugin.getId());
      default -> Optional.empty();
    };
  }
}
