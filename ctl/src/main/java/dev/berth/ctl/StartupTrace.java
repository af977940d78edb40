package dev.berth.ctl;

import dev.berth.linux.ProcessAge;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * With {@code BERTH_DEBUG_STARTUP=1}, how long each phase of a berthctl process took, as one line
 * on stderr at the end: where start-up time goes, measured in the process a user runs.
 */
final class StartupTrace {
  private static volatile boolean enabled;
  /** Phase name to when it ended (nanoTime), in the order the phases ended. */
  private static final Map<String, Long> ENDS = new LinkedHashMap<>();
  /** Each call to berthd: its method, when it started and when it closed (nanoTime). */
  private static final List<String> CALLS = new ArrayList<>();
  private static long startNanos;

  private StartupTrace() {}

  /**
   * Starts tracing if the environment asks for it. The first phase runs from the process's start,
   * which the launcher's exec makes the launcher's start (the kernel counts in 10 ms ticks).
   */
  static void startIfAsked(Map<String, String> env) {
    if (!"1".equals(env.get("BERTH_DEBUG_STARTUP"))) {
      return;
    }
    long now = System.nanoTime();
    long sinceStart = ProcessAge.ofThisProcess().orElse(Duration.ZERO).toNanos();
    startNanos = now - sinceStart;
    enabled = true;
    mark("launcher and JVM start, to main");
  }

  static boolean enabled() {
    return enabled;
  }

  /** Records the end of {@code phase}, the first time only. */
  static synchronized void mark(String phase) {
    if (enabled) {
      ENDS.putIfAbsent(phase, System.nanoTime());
    }
  }

  /** Prints the phases' durations, each from the end of the one before. */
  static synchronized void report(PrintStream err) {
    if (!enabled) {
      return;
    }
    mark("done");
    StringBuilder line = new StringBuilder("berthctl startup:");
    long previous = startNanos;
    for (Map.Entry<String, Long> end : ENDS.entrySet()) {
      line.append(String.format(" %s %d ms;", end.getKey(), (end.getValue() - previous) / 1_000_000));
      previous = end.getValue();
    }
    line.append(String.format(" total %d ms", (previous - startNanos) / 1_000_000));
    err.println(line);
    if (!CALLS.isEmpty()) {
      err.println("berthctl calls (from the process's start): " + String.join("; ", CALLS));
    }
  }

  private static synchronized void call(String method, long start, long end) {
    CALLS.add(String.format("%s %d-%d ms", method, (start - startNanos) / 1_000_000, (end - startNanos) / 1_000_000));
  }

  /**
   * Marks the first answer (headers or an error) to any call on the channel, and records when each
   * call started and closed: what of a command's time is berthd's.
   */
  static final class FirstAnswer implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          long started = System.nanoTime();
          super.start(new SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onHeaders(Metadata responseHeaders) {
              mark("first call answered");
              super.onHeaders(responseHeaders);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              mark("first call answered");
              call(method.getBareMethodName(), started, System.nanoTime());
              super.onClose(status, trailers);
            }
          }, headers);
        }
      };
    }
  }
}
