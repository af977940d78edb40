package dev.berth.common.events;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.PublishRequest;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.logging.Logger;

/**
 * Publishes through the Events service's gRPC API. Publishing never fails the caller's request:
 * the change has happened already, so a lost event is logged, not reported.
 */
public final class GrpcEventPublisher implements EventPublisher {
  private static final Logger LOG = Logger.getLogger(GrpcEventPublisher.class.getName());
  private final Channel channel;

  public GrpcEventPublisher(Channel channel) {
    this.channel = channel;
  }

  @Override
  public void publish(String namespace, String topic, Message event) {
    // A forked context: the request that caused the event may end (and cancel its context)
    // before the publish call has gone out.
    Context.current().fork().run(() -> send(namespace, topic, event));
  }

  private void send(String namespace, String topic, Message event) {
    EventsGrpc.newStub(Channels.inNamespace(channel, namespace)).publish(
        PublishRequest.newBuilder().setTopic(topic).setEvent(TypeUrls.pack(event)).build(),
        new StreamObserver<Empty>() {
          @Override
          public void onNext(Empty value) {}

          @Override
          public void onError(Throwable t) {
            LOG.warning("event " + topic + " in namespace " + namespace + " was not published: " + t.getMessage());
          }

          @Override
          public void onCompleted() {}
        });
  }
}
