package dev.berth.cri;

/** What the CRI reports about the runtime itself. Failures are {@link dev.berth.api.grpc.BerthException}s. */
public interface RuntimeState {
  /** berthd's version. UNAVAILABLE if its Version API does not answer. */
  String version();

  /** Whether containers can run here: the Tasks API answers. Never throws. */
  Condition runtime();

  /** Whether pods can be given a network: the network service answers with its default network. Never throws. */
  Condition network();

  /** A condition that holds, or why not: a CamelCase reason and a message for people. */
  record Condition(boolean ready, String reason, String message) {
    static final Condition READY = new Condition(true, "", "");

    static Condition notReady(String reason, String message) {
      return new Condition(false, reason, message);
    }
  }
}
