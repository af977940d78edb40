package dev.berth.api.network;

import java.time.Instant;
import java.util.List;

/**
 * The counters of a container's interfaces on bridge networks, read at {@code timestamp}, in the
 * order it was attached (the default route's interface first).
 */
public record NetworkStats(Instant timestamp, List<InterfaceStats> interfaces) {}
