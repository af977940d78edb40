package dev.berth.client.leases;

import containerd.services.leases.v1.CreateRequest;
import containerd.services.leases.v1.DeleteRequest;
import containerd.services.leases.v1.LeasesGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.api.labels.GcLabels;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A lease held while a multi-step job (an import, an unpack) creates content and snapshots that
 * nothing references yet: calls on {@link #channel()} add what they create to it, so a garbage
 * collector leaves them alone. It expires by itself (label {@code containerd.io/gc.expire}), so a
 * client that dies midway leaves only collectable remains; {@link #close()} deletes it.
 */
public final class Lease implements AutoCloseable {
  /** containerd's clients give their leases a day. */
  public static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);

  private final LeasesGrpc.LeasesBlockingStub leases;
  private final String id;
  private final Channel channel;

  private Lease(LeasesGrpc.LeasesBlockingStub leases, String id, Channel channel) {
    this.leases = leases;
    this.id = id;
    this.channel = channel;
  }

  /** Creates a lease with a server-chosen id, expiring after {@code expiry}. */
  public static Lease create(Channel channel, Duration expiry) {
    LeasesGrpc.LeasesBlockingStub stub = LeasesGrpc.newBlockingStub(channel);
    String expires = Instant.now().plus(expiry).truncatedTo(ChronoUnit.SECONDS).toString();
    String id = stub.create(CreateRequest.newBuilder().putLabels(GcLabels.EXPIRE, expires).build())
        .getLease().getId();
    return new Lease(stub, id, Channels.withLease(channel, id));
  }

  public String id() {
    return id;
  }

  /** The channel whose calls name this lease. */
  public Channel channel() {
    return channel;
  }

  /** Deletes the lease; one already gone is fine. */
  @Override
  public void close() {
    try {
      leases.delete(DeleteRequest.newBuilder().setId(id).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }
}
