package dev.berth.daemon;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The front socket of a berthd whose groups run in several processes: each call of a service
 * this process does not serve goes, as it came (headers, deadline, messages as bytes), to the
 * socket of the group that serves it. Clients such as ctr and berthctl dial one address.
 */
final class ForwardedCalls extends HandlerRegistry {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private final RoutingChannel groups;

  ForwardedCalls(RoutingChannel groups) {
    this.groups = groups;
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    if (!groups.serves(MethodDescriptor.extractFullServiceName(methodName))) {
      return null;
    }
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.newBuilder(BYTES, BYTES)
        .setFullMethodName(methodName).setType(MethodDescriptor.MethodType.UNKNOWN).build();
    return ServerMethodDefinition.create(method, this::forward);
  }

  private ServerCall.Listener<byte[]> forward(ServerCall<byte[], byte[]> call, Metadata headers) {
    CallOptions options = CallOptions.DEFAULT.withDeadline(Context.current().getDeadline());
    ClientCall<byte[], byte[]> onward = groups.newCall(call.getMethodDescriptor(), options);
    Relay relay = new Relay(call, onward);
    onward.start(relay.fromGroup, headers);
    onward.request(1);
    call.request(1);
    return relay.fromClient;
  }

  /**
   * One call's two halves. A message is asked for on one side only once the other can take the
   * last one, so a slow reader holds back its writer, as a direct call would.
   */
  private static final class Relay {
    private final ServerCall<byte[], byte[]> call;
    private final ClientCall<byte[], byte[]> onward;

    Relay(ServerCall<byte[], byte[]> call, ClientCall<byte[], byte[]> onward) {
      this.call = call;
      this.onward = onward;
    }

    final ServerCall.Listener<byte[]> fromClient = new ServerCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        onward.sendMessage(message);
        synchronized (Relay.this) {
          if (onward.isReady()) {
            call.request(1);
          }
        }
      }

      @Override
      public void onHalfClose() {
        onward.halfClose();
      }

      @Override
      public void onCancel() {
        onward.cancel("the client cancelled the call", null);
      }

      @Override
      public void onReady() {
        synchronized (Relay.this) {
          if (call.isReady()) {
            onward.request(1);
          }
        }
      }
    };

    final ClientCall.Listener<byte[]> fromGroup = new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata headers) {
        call.sendHeaders(headers);
      }

      @Override
      public void onMessage(byte[] message) {
        call.sendMessage(message);
        synchronized (Relay.this) {
          if (call.isReady()) {
            onward.request(1);
          }
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        call.close(status, trailers);
      }

      @Override
      public void onReady() {
        synchronized (Relay.this) {
          if (onward.isReady()) {
            call.request(1);
          }
        }
      }
    };
  }
}
