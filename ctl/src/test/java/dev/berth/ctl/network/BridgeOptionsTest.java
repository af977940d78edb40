package dev.berth.ctl.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.InvalidValueException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeOptionsTest {
  @Test
  void dockersBridgeOptionsBecomeTheNetworksSettings() {
    assertEquals(new BridgeOptions("br0", 1400, false, false), BridgeOptions.parse(Map.of(
        "com.docker.network.bridge.name", "br0", "com.docker.network.driver.mtu", "1400",
        "com.docker.network.bridge.enable_ip_masquerade", "false", "com.docker.network.bridge.enable_icc", "0")));
    assertEquals(new BridgeOptions("", 9000, true, null), BridgeOptions.parse(Map.of("mtu", "9000",
        "com.docker.network.bridge.enable_ip_masquerade", "True")));
    assertEquals(new BridgeOptions("", 0, null, null), BridgeOptions.parse(Map.of()));
  }

  @Test
  void optionsBerthDoesNotHonourAndMalformedValuesAreRefusedByName() {
    InvalidValueException unknown = assertThrows(InvalidValueException.class,
        () -> BridgeOptions.parse(Map.of("com.docker.network.container_iface_prefix", "eth")));
    assertTrue(unknown.getMessage().startsWith("unknown network option com.docker.network.container_iface_prefix: "),
        unknown.getMessage());
    InvalidValueException bool = assertThrows(InvalidValueException.class,
        () -> BridgeOptions.parse(Map.of("com.docker.network.bridge.enable_icc", "no")));
    assertEquals("invalid network option com.docker.network.bridge.enable_icc \"no\": not a boolean (true or false)",
        bool.getMessage());
    assertThrows(InvalidValueException.class, () -> BridgeOptions.parse(Map.of("com.docker.network.driver.mtu", "0")));
    assertThrows(InvalidValueException.class, () -> BridgeOptions.parse(Map.of("mtu", "1400",
        "com.docker.network.driver.mtu", "1500")));
    assertThrows(InvalidValueException.class, () -> BridgeOptions.parse(Map.of("com.docker.network.bridge.name", "")));
  }
}
