package dev.berth.api.network;

/** An address of either family, where a value may be one or the other (a published port's host IP). */
public sealed interface IpAddress permits Ipv4, Ipv6 {
  /** IPv4 dotted-quad or an IPv6 literal (text with a colon); INVALID_ARGUMENT naming {@code what} otherwise. */
  static IpAddress parse(String what, String text) {
    return text.contains(":") ? Ipv6.parse(what, text) : Ipv4.parse(what, text);
  }

  byte[] bytes();

  /** 0.0.0.0 or {@code ::}: every address of the family. */
  boolean isUnspecified();

  default boolean isIpv6() {
    return this instanceof Ipv6;
  }

  /** As in a host:port pair: IPv6 in brackets ({@code [::1]}), as Docker prints it. */
  default String inHostPort() {
    return isIpv6() ? "[" + this + "]" : toString();
  }
}
