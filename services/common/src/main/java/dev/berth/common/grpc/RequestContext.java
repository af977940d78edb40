package dev.berth.common.grpc;

import io.grpc.Context;
import dev.berth.api.grpc.Errors;
import dev.berth.api.grpc.Headers;
import dev.berth.api.grpc.LabelPreconditions;
import java.util.Map;

/** What the caller's metadata headers say about the request: its namespace, lease and label preconditions. */
public final class RequestContext {
  static final Context.Key<String> NAMESPACE = Context.key("berth-namespace");
  static final Context.Key<String> LEASE = Context.key("berth-lease");
  static final Context.Key<Iterable<byte[]>> LABEL_PRECONDITIONS = Context.key("berth-label-preconditions");
  static final Context.Key<Boolean> NAMESPACE_GIVEN = Context.key("berth-namespace-given");

  private RequestContext() {}

  /** The namespace of the current call ({@code default} when the caller sent none). */
  public static String namespace() {
    String ns = NAMESPACE.get();
    return ns == null ? Headers.DEFAULT_NAMESPACE : ns;
  }

  /** Whether the caller named a namespace in its headers. */
  public static boolean namespaceGiven() {
    return Boolean.TRUE.equals(NAMESPACE_GIVEN.get());
  }

  /** The lease named by the current call, or null. */
  public static String lease() {
    return LEASE.get();
  }

  /**
   * The {@link LabelPreconditions} of the current call: label to the value it must have ("" for
   * absent); INVALID_ARGUMENT when its headers are malformed. Only a call that honours them reads them.
   */
  public static Map<String, String> labelPreconditions() {
    return LabelPreconditions.read(LABEL_PRECONDITIONS.get());
  }

  /**
   * Refuses (INVALID_ARGUMENT) a call that carries {@link LabelPreconditions} it cannot honour,
   * where going ahead unconditionally would do what the caller meant to prevent.
   */
  public static void refuseLabelPreconditions(String method) {
    Iterable<byte[]> values = LABEL_PRECONDITIONS.get();
    if (values != null && values.iterator().hasNext()) {
      throw Errors.invalidArgument("%s does not honour header %s (only Containers.Update does): "
          + "send it without the header, or read the record and decide before you send it", method,
          LabelPreconditions.HEADER.name());
    }
  }
}
