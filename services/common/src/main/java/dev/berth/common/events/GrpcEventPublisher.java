package dev.berth.common.events;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.PublishRequest;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.UnreachableLog;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Publishes through the Events service's gRPC API. Publishing never fails the caller's request:
 * the change has happened already. An event the events service was not there to take (berthd's
 * metadata group down) waits in an {@link EventBacklog} until it is; one it refused is logged.
 */
public final class GrpcEventPublisher implements EventPublisher, AutoCloseable {
  /** How many unpublished events are kept while the events service does not answer. */
  public static final int BACKLOG_BOUND = 10_000;
  private static final Logger LOG = Logger.getLogger(GrpcEventPublisher.class.getName());
  private final Channel channel;
  private final EventBacklog backlog;

  public GrpcEventPublisher(Channel channel) {
    this(channel, BACKLOG_BOUND);
  }

  /** As {@link #GrpcEventPublisher(Channel)}, keeping at most {@code backlogBound} unpublished events. */
  public GrpcEventPublisher(Channel channel, int backlogBound) {
    this.channel = channel;
    this.backlog = new EventBacklog(channel, backlogBound);
  }

  @Override
  public void publish(String namespace, String topic, Message event) {
    Instant now = Instant.now();
    Envelope envelope = Envelope.newBuilder().setNamespace(namespace).setTopic(topic).setEvent(TypeUrls.pack(event))
        .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())).build();
    if (backlog.holding()) {
      backlog.keep(envelope);
      return;
    }
    // A forked context: the request that caused the event may end (and cancel its context)
    // before the publish call has gone out.
    Context.current().fork().run(() -> send(envelope));
  }

  /** Stops forwarding the events kept while the events service did not answer. */
  @Override
  public void close() {
    backlog.close();
  }

  private void send(Envelope envelope) {
    EventsGrpc.newStub(Channels.inNamespace(channel, envelope.getNamespace())).publish(
        PublishRequest.newBuilder().setTopic(envelope.getTopic()).setEvent(envelope.getEvent()).build(),
        new StreamObserver<Empty>() {
          @Override
          public void onNext(Empty value) {}

          @Override
          public void onError(Throwable t) {
            if (UnreachableLog.unreachable(t)) {
              backlog.keep(envelope, t);
            } else {
              LOG.warning("event " + envelope.getTopic() + " in namespace " + envelope.getNamespace()
                  + " was not published: " + t.getMessage());
            }
          }

          @Override
          public void onCompleted() {}
        });
  }
}
