package dev.berth.metadata.namespaces;

import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.VolumesGrpc;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.Errors;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Whether a namespace still holds something another service keeps (blobs, snapshots,
 * containers), asked of that service through its List API. A namespace whose use cannot be
 * checked is not deleted: the error says why.
 */
public final class GrpcUsage<R> implements NamespaceUsage {
  private static final long DEADLINE_SECONDS = 30;
  private final String what;
  private final Channel channel;
  private final Function<Channel, Iterator<R>> list;
  private final Predicate<R> holdsAny;

  private GrpcUsage(String what, Channel channel, Function<Channel, Iterator<R>> list, Predicate<R> holdsAny) {
    this.what = what;
    this.channel = channel;
    this.list = list;
    this.holdsAny = holdsAny;
  }

  /** Blobs, asked of the Content service. */
  public static NamespaceUsage content(Channel channel) {
    return new GrpcUsage<>("content", channel,
        ch -> stub(ContentGrpc.newBlockingStub(ch)).list(ListContentRequest.getDefaultInstance()),
        r -> r.getInfoCount() > 0);
  }

  /** Snapshots of {@code snapshotter}, asked of the Snapshots service. */
  public static NamespaceUsage snapshots(Channel channel, String snapshotter) {
    return new GrpcUsage<>("snapshots", channel,
        ch -> stub(SnapshotsGrpc.newBlockingStub(ch)).list(
            ListSnapshotsRequest.newBuilder().setSnapshotter(snapshotter).build()),
        r -> r.getInfoCount() > 0);
  }

  /** Containers, asked of the Containers service. */
  public static NamespaceUsage containers(Channel channel) {
    return new GrpcUsage<>("containers", channel,
        ch -> stub(ContainersGrpc.newBlockingStub(ch)).listStream(ListContainersRequest.getDefaultInstance()),
        r -> r.hasContainer());
  }

  /** Named volumes, asked of the Volumes service. */
  public static NamespaceUsage volumes(Channel channel) {
    return new GrpcUsage<>("volumes", channel,
        ch -> List.of(stub(VolumesGrpc.newBlockingStub(ch)).list(ListVolumesRequest.getDefaultInstance())).iterator(),
        r -> r.getVolumesCount() > 0);
  }

  private static <S extends io.grpc.stub.AbstractStub<S>> S stub(S stub) {
    return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public Optional<String> describeUse(String namespace) {
    // Only the first answer matters; cancelling the context ends the List stream early.
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      return call.call(() -> {
        Iterator<R> answers = list.apply(Channels.inNamespace(channel, namespace));
        while (answers.hasNext()) {
          if (holdsAny.test(answers.next())) {
            return Optional.of(what);
          }
        }
        return Optional.<String>empty();
      });
    } catch (StatusRuntimeException e) {
      throw Errors.unavailable("cannot check the %s of namespace %s: %s", what, namespace, e.getStatus());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw Errors.internal(e, "checking the %s of namespace %s", what, namespace);
    } finally {
      call.cancel(null);
    }
  }
}
