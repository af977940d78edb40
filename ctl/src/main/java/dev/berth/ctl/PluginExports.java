package dev.berth.ctl;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.PluginsRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Introspection.Plugins asked for one plugin's exports, without waiting: {@link #await} gives
 * them. The answer is read by hand: parsing the generated {@code Plugin}, whose exports are a
 * map field, builds protobuf's descriptors first, which cost {@code version} some 15 ms of its
 * start (see "How bin/berthctl starts" in docs/architecture.md).
 */
final class PluginExports implements StreamObserver<Map<String, String>> {
  // field numbers of containerd's introspection.proto
  private static final int RESPONSE_PLUGINS = 1;
  private static final int PLUGIN_EXPORTS = 5;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;

  private static final MethodDescriptor<PluginsRequest, Map<String, String>> PLUGINS =
      MethodDescriptor.<PluginsRequest, Map<String, String>>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(IntrospectionGrpc.SERVICE_NAME, "Plugins"))
          .setRequestMarshaller(new RequestMarshaller())
          .setResponseMarshaller(new FirstPluginsExports())
          .build();

  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Map<String, String> exports = Map.of();
  private volatile StatusRuntimeException failure;

  private PluginExports() {}

  /** Sends the request for the exports of the plugin {@code filter} selects (the first, if several). */
  static PluginExports ask(Channel channel, String filter) {
    PluginExports answer = new PluginExports();
    // the answer is taken on the transport's thread: nothing else to run it on
    ClientCalls.asyncUnaryCall(channel.newCall(PLUGINS, CallOptions.DEFAULT.withExecutor(Runnable::run)),
        PluginsRequest.newBuilder().addFilters(filter).build(), answer);
    return answer;
  }

  /** The exports; none where no plugin matched. */
  Map<String, String> await() throws InterruptedException {
    done.await();
    if (failure != null) {
      throw failure;
    }
    return exports;
  }

  @Override
  public void onNext(Map<String, String> value) {
    exports = value;
  }

  @Override
  public void onError(Throwable t) {
    failure = t instanceof StatusRuntimeException s ? s : Status.fromThrowable(t).asRuntimeException();
    done.countDown();
  }

  @Override
  public void onCompleted() {
    done.countDown();
  }

  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<PluginsRequest> {
    @Override
    public InputStream stream(PluginsRequest value) {
      return value.toByteString().newInput();
    }

    @Override
    public PluginsRequest parse(InputStream stream) {
      throw new UnsupportedOperationException("berthctl sends PluginsRequest, it never reads one");
    }
  }

  /** A PluginsResponse read for its first plugin's exports alone. */
  static final class FirstPluginsExports implements MethodDescriptor.Marshaller<Map<String, String>> {
    @Override
    public InputStream stream(Map<String, String> value) {
      throw new UnsupportedOperationException("berthctl reads PluginsResponse, it never sends one");
    }

    @Override
    public Map<String, String> parse(InputStream stream) {
      try {
        CodedInputStream response = CodedInputStream.newInstance(stream);
        for (int tag = response.readTag(); tag != 0; tag = response.readTag()) {
          if (isBytes(tag, RESPONSE_PLUGINS)) {
            return exports(CodedInputStream.newInstance(response.readByteArray()));
          }
          response.skipField(tag);
        }
        return Map.of();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Whether {@code tag} is field {@code number} sent length-delimited, as the fields read here
     * are: one sent otherwise is skipped as unknown, as protobuf's parser would.
     */
    private static boolean isBytes(int tag, int number) {
      return WireFormat.getTagFieldNumber(tag) == number
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    private static Map<String, String> exports(CodedInputStream plugin) throws IOException {
      Map<String, String> exports = new HashMap<>();
      for (int tag = plugin.readTag(); tag != 0; tag = plugin.readTag()) {
        if (!isBytes(tag, PLUGIN_EXPORTS)) {
          plugin.skipField(tag);
          continue;
        }
        CodedInputStream entry = CodedInputStream.newInstance(plugin.readByteArray());
        String key = "";
        String value = "";
        for (int field = entry.readTag(); field != 0; field = entry.readTag()) {
          if (isBytes(field, ENTRY_KEY)) {
            key = entry.readStringRequireUtf8();
          } else if (isBytes(field, ENTRY_VALUE)) {
            value = entry.readStringRequireUtf8();
          } else {
            entry.skipField(field);
          }
        }
        exports.put(key, value);
      }
      return exports;
    }
  }
}
