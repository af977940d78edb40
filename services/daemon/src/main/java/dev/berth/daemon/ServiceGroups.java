package dev.berth.daemon;

import berth.attach.v1.AttachGrpc;
import berth.events.v1.EventHistoryGrpc;
import berth.gc.v1.ContentSweeperGrpc;
import berth.gc.v1.GarbageCollectorGrpc;
import berth.gc.v1.SnapshotSweeperGrpc;
import berth.logs.v1.LogsGrpc;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.NetworksGrpc;
import berth.transfer.v1.TransferGrpc;
import berth.volumes.v1.VolumesGrpc;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.diff.v1.DiffGrpc;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.introspection.v1.Plugin;
import dev.berth.api.grpc.Channels;
import dev.berth.metadata.version.VersionService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.RuntimeServiceGrpc;

/** The service groups berthd knows, and which gRPC services each one serves. */
final class ServiceGroups {
  static final String CONTENT = "content";
  static final String METADATA = "metadata";
  static final String SNAPSHOTS = "snapshots";
  static final String NETWORK = "network";
  static final String TASKS = "tasks";
  static final String VOLUMES = "volumes";
  static final String GC = "gc";
  static final String TRANSFER = "transfer";
  static final String CRI = "cri";
  /**
   * Not a group: the front socket ({@code berth.sock}), serving every API. Every group runs in
   * one process: it serves them itself; in separate processes: it forwards each call to the socket
   * of the group that serves it.
   */
  static final String FRONT = "front";
  /** In start-up order: what a group calls at start is listed before it. */
  static final List<String> NAMES = List.of(METADATA, CONTENT, SNAPSHOTS, NETWORK, TASKS, VOLUMES, GC, TRANSFER,
      CRI);
  /**
   * Groups whose building calls no other service, built alongside the groups before them: the
   * network group's set-up of bridges and NAT rules (netlink, nftables) is the longest of all.
   */
  static final Set<String> BUILT_ALONGSIDE = Set.of(NETWORK);

  private static final Map<String, List<String>> SERVICES = Map.of(
      CONTENT, List.of(ContentGrpc.SERVICE_NAME, ContentSweeperGrpc.SERVICE_NAME),
      METADATA, List.of(NamespacesGrpc.SERVICE_NAME, ImagesGrpc.SERVICE_NAME, LeasesGrpc.SERVICE_NAME,
          EventsGrpc.SERVICE_NAME, EventHistoryGrpc.SERVICE_NAME, VersionGrpc.SERVICE_NAME,
          IntrospectionGrpc.SERVICE_NAME),
      SNAPSHOTS, List.of(SnapshotsGrpc.SERVICE_NAME, DiffGrpc.SERVICE_NAME, SnapshotSweeperGrpc.SERVICE_NAME),
      NETWORK, List.of(NetworksGrpc.SERVICE_NAME, AttachmentsGrpc.SERVICE_NAME),
      TASKS, List.of(ContainersGrpc.SERVICE_NAME, TasksGrpc.SERVICE_NAME, LogsGrpc.SERVICE_NAME,
          AttachGrpc.SERVICE_NAME),
      VOLUMES, List.of(VolumesGrpc.SERVICE_NAME),
      GC, List.of(GarbageCollectorGrpc.SERVICE_NAME),
      TRANSFER, List.of(TransferGrpc.SERVICE_NAME),
      CRI, List.of(RuntimeServiceGrpc.SERVICE_NAME, ImageServiceGrpc.SERVICE_NAME));

  /** Introspection's view of the suite: each group's plugins, as containerd names them. */
  private static final Map<String, List<Plugin>> PLUGINS = Map.of(
      CONTENT, List.of(grpcPlugin("content")),
      METADATA, List.of(grpcPlugin("events"), grpcPlugin("images"), grpcPlugin("introspection"),
          grpcPlugin("leases"), grpcPlugin("namespaces"), grpcPlugin("version")),
      SNAPSHOTS, List.of(grpcPlugin("diff"), grpcPlugin("snapshots"),
          Plugin.newBuilder().setType("io.containerd.snapshotter.v1").setId("overlayfs").build()),
      // networking is Berth's own API; containerd clients have no plugin type for it
      NETWORK, List.of(),
      TASKS, List.of(grpcPlugin("containers"), grpcPlugin("tasks")),
      VOLUMES, List.of(),
      // containerd's collector is part of its metadata plugin, not a gRPC service of its own
      GC, List.of(),
      // Berth's own API: containerd 1.6 clients pull client-side
      TRANSFER, List.of(),
      // containerd serves the CRI as this plugin too
      CRI, List.of(grpcPlugin("cri")));

  private ServiceGroups() {}

  private static Plugin grpcPlugin(String id) {
    return Plugin.newBuilder().setType("io.containerd.grpc.v1").setId(id).build();
  }

  /**
   * Every plugin of the suite, sorted by type and id as containerd lists them. The snapshotter
   * exports its root directory as containerd's does, introspection berthd's root ({@code info}
   * shows it) and state directory (under which {@code inspect} finds a container's log, its {@code LogPath}),
   * and version the build's time and berthd's Java runtime and platform ({@code version} shows them).
   */
  static List<Plugin> plugins(Path root, Path state) {
    List<Plugin> all = new ArrayList<>();
    for (String group : NAMES) {
      for (Plugin p : PLUGINS.get(group)) {
        if (p.getId().equals("overlayfs")) {
          p = p.toBuilder().putExports("root", root.resolve("snapshots/overlayfs").toString()).build();
        } else if (p.getId().equals("introspection")) {
          p = p.toBuilder().putExports("root", root.toString()).putExports("state", state.toString()).build();
        } else if (p.getId().equals("version")) {
          p = p.toBuilder().putAllExports(VersionService.exports()).build();
        }
        all.add(p);
      }
    }
    all.sort((a, b) -> (a.getType() + "/" + a.getId()).compareTo(b.getType() + "/" + b.getId()));
    return all;
  }

  /** A channel sending each call to the socket of the group that serves it. */
  static RoutingChannel routeToSockets(DaemonConfig config) {
    Map<String, RoutingChannel.Route> byService = new HashMap<>();
    SERVICES.forEach((group, services) -> {
      RoutingChannel.Route route = new RoutingChannel.Route(group, config.socket(group),
          Channels.unix(config.socket(group)));
      services.forEach(s -> byService.put(s, route));
    });
    return new RoutingChannel(byService);
  }
}
