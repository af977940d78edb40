package dev.berth.metadata.events;

import berth.events.v1.EventHistoryGrpc;
import berth.events.v1.SubscribeSinceRequest;
import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.time.EpochNanos;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Berth's EventHistory API: containerd's Subscribe beginning with the events the {@link EventBus}
 * recorded, which is what Docker's {@code events --since} replays.
 */
public final class EventHistoryService extends EventHistoryGrpc.EventHistoryImplBase {
  private static final Comparator<Timestamp> CHRONOLOGICAL =
      Comparator.comparingLong(Timestamp::getSeconds).thenComparingInt(Timestamp::getNanos);

  private final EventBus bus;
  private final int subscriberCapacity;

  public EventHistoryService(EventBus bus) {
    this(bus, EventsService.DEFAULT_SUBSCRIBER_CAPACITY);
  }

  public EventHistoryService(EventBus bus, int subscriberCapacity) {
    this.bus = bus;
    this.subscriberCapacity = subscriberCapacity;
  }

  @Override
  public void subscribe(SubscribeSinceRequest request, StreamObserver<Envelope> response) {
    Optional<Filter> parsed = EventsService.filterOrRefuse(request.getFiltersList(), response);
    if (parsed.isEmpty()) {
      return;
    }
    Filter filter = parsed.get();
    if (request.hasSince() && request.hasUntil() && CHRONOLOGICAL.compare(request.getSince(), request.getUntil()) > 0) {
      response.onError(Errors.toStatus(Errors.invalidArgument("since is after until: no event can be in between")));
      return;
    }
    Predicate<Envelope> inTime = e -> (!request.hasSince()
        || CHRONOLOGICAL.compare(e.getTimestamp(), request.getSince()) >= 0)
        && (!request.hasUntil() || CHRONOLOGICAL.compare(e.getTimestamp(), request.getUntil()) <= 0);
    if (request.hasUntil()
        && CHRONOLOGICAL.compare(request.getUntil(), EpochNanos.toTimestamp(EpochNanos.now())) <= 0) {
      // nothing new can be in time: the recorded ones are all there is
      bus.replay(filter, inTime, response::onNext);
      response.onCompleted();
      return;
    }
    SubscriberStream stream = new SubscriberStream((ServerCallStreamObserver<Envelope>) response, subscriberCapacity);
    stream.attach(bus.subscribe(filter, inTime, stream));
  }
}
