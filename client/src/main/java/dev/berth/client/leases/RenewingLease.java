package dev.berth.client.leases;

import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.CreateRequest;
import containerd.services.leases.v1.DeleteRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListResourcesRequest;
import containerd.services.leases.v1.Resource;
import dev.berth.api.grpc.Headers;
import dev.berth.api.labels.GcLabels;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A lease for a job that runs as long as it runs (a build), with a short expiry kept ahead of the
 * clock: a client killed midway (SIGKILL) leaves what it held to the garbage collector within
 * {@code expiry}, not a day later. containerd's leases cannot change their labels, so renewing
 * is a new lease taking over the resources of the current one, every third of {@code expiry};
 * the one before is kept one more period, for calls that named it and still add to it.
 */
public final class RenewingLease implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RenewingLease.class.getName());

  private final LeasesGrpc.LeasesBlockingStub leases;
  private final Duration expiry;
  private final Map<String, String> labels;
  private final ScheduledExecutorService renewer;
  private final Channel channel;
  private volatile String current;
  private String previous;
  private boolean closed;

  private RenewingLease(Channel channel, Duration expiry, Map<String, String> labels) {
    this.leases = LeasesGrpc.newBlockingStub(channel);
    this.expiry = expiry;
    this.labels = labels;
    this.current = create();
    this.channel = ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(Headers.LEASE, current);
            super.start(listener, headers);
          }
        };
      }
    });
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lease-renewer");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, expiry.toMillis() / 3);
    renewer.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /** A lease expiring {@code expiry} from now, renewed until closed. */
  public static RenewingLease create(Channel channel, Duration expiry) {
    return create(channel, expiry, Map.of());
  }

  /** As {@link #create(Channel, Duration)}, each lease, renewals too, carrying {@code labels}. */
  public static RenewingLease create(Channel channel, Duration expiry, Map<String, String> labels) {
    return new RenewingLease(channel, expiry, labels);
  }

  /** The channel whose calls name the lease of the moment. */
  public Channel channel() {
    return channel;
  }

  /** The lease of the moment's id. */
  public String id() {
    return current;
  }

  /** Renews now: a new lease holds all the current one holds. */
  public synchronized void renew() {
    if (closed) {
      return;
    }
    String next = create();
    String old = current;
    current = next;
    if (previous != null) {
      takeOver(previous, next);
      delete(previous);
    }
    takeOver(old, next);
    previous = old;
  }

  private void renewQuietly() {
    try {
      renew();
    } catch (RuntimeException e) {
      // the lease in place lasts till its expiry; the next period tries again
      LOG.log(Level.FINE, "cannot renew the lease " + current, e);
    }
  }

  private String create() {
    String expires = Instant.now().plus(expiry).truncatedTo(ChronoUnit.SECONDS).toString();
    return leases.create(CreateRequest.newBuilder().putAllLabels(labels).putLabels(GcLabels.EXPIRE, expires).build())
        .getLease().getId();
  }

  private void takeOver(String from, String to) {
    for (Resource r : leases.listResources(ListResourcesRequest.newBuilder().setId(from).build())
        .getResourcesList()) {
      leases.addResource(AddResourceRequest.newBuilder().setId(to).setResource(r).build());
    }
  }

  private void delete(String id) {
    try {
      leases.delete(DeleteRequest.newBuilder().setId(id).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /** Stops renewing and deletes the leases; ones already gone are fine. */
  @Override
  public synchronized void close() {
    closed = true;
    renewer.shutdownNow();
    if (previous != null) {
      delete(previous);
    }
    delete(current);
  }
}
