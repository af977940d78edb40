package dev.berth.api.network;

/**
 * A container interface's traffic counters since the interface was created, as the kernel keeps
 * them: unsigned 64-bit values (read with {@link Long#toUnsignedString} past {@code Long.MAX_VALUE}).
 */
public record InterfaceStats(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped,
    long txBytes, long txPackets, long txErrors, long txDropped) {
  /** An interface that has carried nothing yet. */
  public static InterfaceStats idle(String name) {
    return new InterfaceStats(name, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
