package dev.berth.api.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Berth's conditional update of a container record: a Containers.Update sent with
 * {@code berth-labels-if-bin} headers changes the record only if each of its labels still has the
 * value the header names, checked in the same transaction as the write; otherwise the update
 * answers FAILED_PRECONDITION and writes nothing. Each header is the UTF-8 text
 * {@code key=value}, or {@code key=} for a label that must be absent. containerd's messages are
 * unchanged and its clients, which never send the header, get plain updates.
 */
public final class LabelPreconditions {
  public static final Metadata.Key<byte[]> HEADER =
      Metadata.Key.of("berth-labels-if-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private LabelPreconditions() {}

  /**
   * {@code channel} sending, on every call, the condition that each label of {@code expected}
   * has its value there, an empty value meaning the label is absent.
   */
  public static Channel require(Channel channel, Map<String, String> expected) {
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            expected.forEach((key, value) ->
                headers.put(HEADER, (key + "=" + value).getBytes(StandardCharsets.UTF_8)));
            super.start(listener, headers);
          }
        };
      }
    });
  }

  /** The conditions a call's headers carry, label to expected value ("" for absent); empty for none. */
  public static Map<String, String> read(Metadata headers) {
    Map<String, String> expected = new LinkedHashMap<>();
    Iterable<byte[]> values = headers.getAll(HEADER);
    if (values == null) {
      return expected;
    }
    for (byte[] value : values) {
      String text = new String(value, StandardCharsets.UTF_8);
      int equals = text.indexOf('=');
      if (equals <= 0) {
        throw Errors.invalidArgument("header %s: %s is not key=value (key= for a label that must be absent)",
            HEADER.name(), text);
      }
      expected.put(text.substring(0, equals), text.substring(equals + 1));
    }
    return expected;
  }

  /** The first condition {@code labels} do not meet, as a sentence for the caller; empty when all hold. */
  public static Optional<String> unmet(Map<String, String> expected, Map<String, String> labels) {
    for (Map.Entry<String, String> condition : expected.entrySet()) {
      String actual = labels.getOrDefault(condition.getKey(), "");
      if (!actual.equals(condition.getValue())) {
        return Optional.of("label " + condition.getKey() + " is "
            + (actual.isEmpty() ? "absent" : "\"" + actual + "\"") + ", not "
            + (condition.getValue().isEmpty() ? "absent" : "\"" + condition.getValue() + "\"")
            + " as the update required: it changed since it was read; read it again");
      }
    }
    return Optional.empty();
  }
}
