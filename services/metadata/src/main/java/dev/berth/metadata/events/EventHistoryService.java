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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
      List<Envelope> recorded = new ArrayList<>();
      bus.replay(filter, inTime, recorded::add);
      // looked at after the copy: a drop in between counts too, which errs on the safe side
      if (request.getComplete() && bus.droppedSince(filter, request.getSince())) {
        response.onError(Errors.toStatus(incomplete(request)));
        return;
      }
      recorded.forEach(response::onNext);
      response.onCompleted();
      return;
    }
    SubscriberStream stream = new SubscriberStream((ServerCallStreamObserver<Envelope>) response, subscriberCapacity);
    if (!request.getComplete()) {
      stream.attach(bus.subscribe(filter, inTime, stream));
      return;
    }
    Optional<AutoCloseable> subscription = bus.subscribeWithoutGap(filter, request.getSince(), inTime, stream);
    if (subscription.isEmpty()) {
      response.onError(Errors.toStatus(incomplete(request)));
      return;
    }
    stream.attach(subscription.get());
  }

  private static RuntimeException incomplete(SubscribeSinceRequest request) {
    return Errors.outOfRange("events since %s that the filters select are no longer recorded (more were published"
        + " since than berthd keeps): subscribe from a later time, after catching up some other way",
        EpochNanos.toInstant(request.getSince()));
  }
}
