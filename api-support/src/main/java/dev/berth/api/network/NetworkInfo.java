package dev.berth.api.network;

import java.util.Optional;
import java.util.List;
import java.time.Instant;
import java.util.Map;

/** A bridge network as stored. */
public record NetworkInfo(String name, String driver, Subnet subnet, Ipv4 gateway, String bridge, int mtu,
    boolean masquerade, boolean internal, Map<String, String> labels, Instant createdAt, boolean isDefault) {
  public static final String DRIVER_BRIDGE = "bridge";

  /** The value of a filter field (name, driver, subnet, gateway, bridge, internal, labels.&lt;key&gt;). */
  public Optional<String> field(List<String> path) {
    return switch (path.get(0)) {
      case "name" -> Optional.of(name);
      case "driver" -> Optional.of(driver);
      case "subnet" -> Optional.of(subnet.toString());
      case "gateway" -> Optional.of(gateway.toString());
      case "bridge" -> Optional.of(bridge);
      case "internal" -> Optional.of(Boolean.toString(internal));
      case "labels" -> path.size() < 2 ? Optional.empty() : Optional.ofNullable(labels.get(path.get(1)));
      default -> Optional.empty();
    };
  }
}
