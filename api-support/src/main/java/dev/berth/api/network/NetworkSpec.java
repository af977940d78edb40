package dev.berth.api.network;

import java.util.Map;

/**
 * A network to create, as asked: empty strings and 0 mean "choose", a null {@code masquerade}
 * means on. {@link NetworkManager#createNetwork} validates it.
 */
public record NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
    Boolean masquerade, boolean internal, Map<String, String> labels) {}
