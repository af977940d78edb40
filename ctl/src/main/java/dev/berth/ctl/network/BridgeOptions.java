package dev.berth.ctl.network;

import dev.berth.api.InvalidValueException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The driver options ({@code -o KEY=VALUE}) of {@code network create}: Docker's bridge options
 * the network service honours, and Berth's short {@code mtu}. Docker's others are refused by
 * name, since accepting one would promise what the network does not do.
 */
record BridgeOptions(String bridge, int mtu, Boolean masquerade, Boolean icc) {
  static final String BRIDGE_NAME = "com.docker.network.bridge.name";
  static final String MTU = "com.docker.network.driver.mtu";
  static final String MASQUERADE = "com.docker.network.bridge.enable_ip_masquerade";
  static final String ICC = "com.docker.network.bridge.enable_icc";
  private static final String SHORT_MTU = "mtu";
  private static final List<String> KNOWN = List.of(BRIDGE_NAME, MTU, SHORT_MTU, MASQUERADE, ICC);
  /** Go's strconv.ParseBool, which Docker reads these options with. */
  private static final Set<String> TRUE = Set.of("1", "t", "T", "true", "TRUE", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "false", "FALSE", "False");

  /**
   * The options given; an empty bridge name, 0 and null mean the service's defaults.
   *
   * @throws InvalidValueException for an option Berth does not honour or a malformed value
   */
  static BridgeOptions parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new InvalidValueException("unknown network option " + key
            + ": Berth's bridge networks do not honour it (they take " + String.join(", ", KNOWN) + ")");
      }
    }
    if (options.containsKey(MTU) && options.containsKey(SHORT_MTU) && !options.get(MTU).equals(options.get(SHORT_MTU))) {
      throw InvalidValueException.of("network option", SHORT_MTU, "it differs from " + MTU);
    }
    String mtu = options.getOrDefault(MTU, options.get(SHORT_MTU));
    // the service checks the range; 0 would silently mean its default
    if (mtu != null && !mtu.matches("[1-9][0-9]{0,8}")) {
      throw InvalidValueException.of("network option " + (options.containsKey(MTU) ? MTU : SHORT_MTU), mtu,
          "not a positive number");
    }
    String bridge = options.getOrDefault(BRIDGE_NAME, "");
    if (options.containsKey(BRIDGE_NAME) && bridge.isEmpty()) {
      throw InvalidValueException.of("network option " + BRIDGE_NAME, bridge, "a device name is needed");
    }
    return new BridgeOptions(bridge, mtu == null ? 0 : Integer.parseInt(mtu), bool(options, MASQUERADE),
        bool(options, ICC));
  }

  private static Boolean bool(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null) {
      return null;
    }
    if (TRUE.contains(value)) {
      return true;
    }
    if (FALSE.contains(value)) {
      return false;
    }
    throw InvalidValueException.of("network option " + key, value, "not a boolean (true or false)");
  }
}
