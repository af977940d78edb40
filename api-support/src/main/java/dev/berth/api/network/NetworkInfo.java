package dev.berth.api.network;

import java.time.Instant;
import java.util.Map;

/** A bridge network as stored. */
public record NetworkInfo(String name, String driver, Subnet subnet, Ipv4 gateway, String bridge, int mtu,
    boolean masquerade, boolean internal, Map<String, String> labels, Instant createdAt, boolean isDefault) {
  public static final String DRIVER_BRIDGE = "bridge";
}
