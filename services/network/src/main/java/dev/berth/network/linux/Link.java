package dev.berth.network.linux;

/**
 * A network interface as rtnetlink reports it; {@code master} is 0 without one, {@code kind}
 * empty for plain devices.
 */
public record Link(int index, String name, String mac, int master, String kind) {}
