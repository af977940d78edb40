package dev.berth.daemon;

import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.version.v1.VersionGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The methods berthd answers on the socket thread that read the call (UnixSocketServer's inline
 * methods): each reads memory or the metadata store and never waits for a process, a mount, a
 * disk write, a stream's flow control or task recovery. A ctr run makes some twenty of these;
 * handing each to the call pool and back cost about a millisecond. Everything else (writes, which
 * sync the store; tasks; content streams; snapshot changes) runs on the pool, and so does a call
 * of these under a lease, where Content.Info and Snapshots.Stat write the lease's resource and
 * wait for a collection's sweep (see InlineCalls). A method added here must make no call to
 * another service that can wait: in-process calls run on their caller's thread, here the socket's.
 */
final class InlineMethods {
  private InlineMethods() {}

  static Set<String> all() {
    return Stream.of(
            VersionGrpc.getVersionMethod(),
            IntrospectionGrpc.getServerMethod(),
            IntrospectionGrpc.getPluginsMethod(),
            HealthGrpc.getCheckMethod(),
            NamespacesGrpc.getGetMethod(),
            NamespacesGrpc.getListMethod(),
            ImagesGrpc.getGetMethod(),
            ImagesGrpc.getListMethod(),
            LeasesGrpc.getListMethod(),
            EventsGrpc.getPublishMethod(),
            EventsGrpc.getForwardMethod(),
            ContainersGrpc.getGetMethod(),
            ContainersGrpc.getListMethod(),
            ContentGrpc.getInfoMethod(),
            SnapshotsGrpc.getStatMethod(),
            SnapshotsGrpc.getMountsMethod())
        .map(MethodDescriptor::getFullMethodName)
        .collect(Collectors.toUnmodifiableSet());
  }
}
