package dev.berth.metadata.events;

import com.google.protobuf.Empty;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.ForwardRequest;
import containerd.services.events.v1.PublishRequest;
import containerd.services.events.v1.SubscribeRequest;
import dev.berth.api.Identifiers;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import dev.berth.common.time.EpochNanos;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;

/**
 * containerd's Events API over an {@link EventBus}. Subscribe is not bound to a namespace: a
 * subscriber sees every namespace's events unless its filters say otherwise, as in containerd.
 */
public final class EventsService extends EventsGrpc.EventsImplBase {
  /** Envelopes a subscriber may fall behind before its stream is ended. */
  public static final int DEFAULT_SUBSCRIBER_CAPACITY = 4096;

  private final EventBus bus;
  private final int subscriberCapacity;

  public EventsService(EventBus bus) {
    this(bus, DEFAULT_SUBSCRIBER_CAPACITY);
  }

  public EventsService(EventBus bus, int subscriberCapacity) {
    this.bus = bus;
    this.subscriberCapacity = subscriberCapacity;
  }

  /** Publishes in the caller's namespace, which, unlike for other calls, must be named explicitly. */
  @Override
  public void publish(PublishRequest request, StreamObserver<Empty> response) {
    if (!RequestContext.namespaceGiven()) {
      throw Errors.failedPrecondition("publishing an event requires a namespace (containerd-namespace header)");
    }
    Envelope.Builder envelope = Envelope.newBuilder()
        .setTimestamp(EpochNanos.toTimestamp(EpochNanos.now()))
        .setNamespace(RequestContext.namespace())
        .setTopic(Topics.validate(request.getTopic()));
    if (request.hasEvent()) {
      envelope.setEvent(request.getEvent());
    }
    bus.publish(envelope.build());
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  /** Republishes an envelope made elsewhere (e.g. by a shim) as it is. */
  @Override
  public void forward(ForwardRequest request, StreamObserver<Empty> response) {
    Envelope envelope = request.getEnvelope();
    Identifiers.validate("event namespace", envelope.getNamespace());
    Topics.validate(envelope.getTopic());
    if (!envelope.hasTimestamp()) {
      throw Errors.invalidArgument("a forwarded event must carry its timestamp");
    }
    bus.publish(envelope);
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<Envelope> response) {
    Optional<Filter> parsed = EventsService.filterOrRefuse(request.getFiltersList(), response);
    if (parsed.isEmpty()) {
      return;
    }
    Filter filter = parsed.get();
    SubscriberStream stream = new SubscriberStream((ServerCallStreamObserver<Envelope>) response, subscriberCapacity);
    stream.attach(bus.subscribe(filter, stream));
  }

  /**
   * The filters of a subscription, or empty once the client was answered InvalidArgument: a
   * streaming call answers its error on the stream.
   */
  static Optional<Filter> filterOrRefuse(List<String> filters, StreamObserver<?> response) {
    try {
      return Optional.of(Filter.parse(filters));
    } catch (RuntimeException e) {
      response.onError(Errors.toStatus(e));
      return Optional.empty();
    }
  }
}
