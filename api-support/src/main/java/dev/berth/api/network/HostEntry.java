package dev.berth.api.network;

/** An /etc/hosts line asked for with an attachment ({@code NAME:IP}). */
public record HostEntry(String name, String ip) {}
