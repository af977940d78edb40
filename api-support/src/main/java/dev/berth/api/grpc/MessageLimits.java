package dev.berth.api.grpc;

/** Sizes both ends of a Berth socket agree on. */
public final class MessageLimits {
  /** containerd's clients send up to 16 MiB in one message. */
  public static final int MAX_MESSAGE_BYTES = 16 << 20;
  /**
   * Bytes a peer may send before it waits for an acknowledgement. gRPC's default (1 MiB) is one
   * containerd write chunk, so each chunk would wait a round trip; a Unix socket has no
   * bandwidth-delay product worth probing for.
   */
  public static final int FLOW_CONTROL_WINDOW_BYTES = 16 << 20;

  private MessageLimits() {}
}
