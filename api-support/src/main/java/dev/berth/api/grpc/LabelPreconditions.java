package dev.berth.api.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
 * unchanged and its clients, which never send the header, get plain updates. A Containers.Delete
 * with the header is refused (INVALID_ARGUMENT) rather than made unconditionally; every other call
 * ignores it.
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

  /**
   * The conditions in a call's {@link #HEADER} values, label to expected value ("" for absent);
   * empty for none. INVALID_ARGUMENT for a value that is not UTF-8 {@code key=value}, and for a
   * label named twice, whose two values no record could meet.
   */
  public static Map<String, String> read(Iterable<byte[]> values) {
    Map<String, String> expected = new LinkedHashMap<>();
    if (values == null) {
      return expected;
    }
    for (byte[] value : values) {
      String text = utf8(value);
      int equals = text.indexOf('=');
      if (equals <= 0) {
        throw Errors.invalidArgument("header %s: %s is not key=value (key= for a label that must be absent)",
            HEADER.name(), text);
      }
      String key = text.substring(0, equals);
      if (expected.putIfAbsent(key, text.substring(equals + 1)) != null) {
        throw Errors.invalidArgument("header %s: label %s is named more than once; name each label once",
            HEADER.name(), key);
      }
    }
    return expected;
  }

  private static String utf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      throw Errors.invalidArgument("header %s: a value is not UTF-8 text; send key=value in UTF-8", HEADER.name());
    }
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
