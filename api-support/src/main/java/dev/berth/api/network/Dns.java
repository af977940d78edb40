package dev.berth.api.network;

import java.util.List;

/** What a container's /etc/resolv.conf says. */
public record Dns(List<String> nameservers, List<String> search, List<String> options) {
  public static final Dns NONE = new Dns(List.of(), List.of(), List.of());
}
