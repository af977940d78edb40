package dev.berth.api.network;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.IpLiterals;
import java.util.ArrayList;
import java.util.List;

/** An address of either family, where a value may be one or the other (a published port's host IP). */
public sealed interface IpAddress permits Ipv4, Ipv6 {
  /** IPv4 dotted-quad or an IPv6 literal (text with a colon); INVALID_ARGUMENT naming {@code what} otherwise. */
  static IpAddress parse(String what, String text) {
    return text.contains(":") ? Ipv6.parse(what, text) : Ipv4.parse(what, text);
  }

  /**
   * Docker's {@code --link-local-ip} addresses in the order asked: any address of either family
   * but the unspecified ones; INVALID_ARGUMENT, in Docker's daemon's words, for one that is none.
   */
  static List<IpAddress> linkLocal(List<String> asked) {
    List<IpAddress> all = new ArrayList<>();
    for (String address : asked) {
      if (IpLiterals.isAssignableIpv4(address)) {
        all.add(Ipv4.parse("link-local IP address", address));
      } else if (IpLiterals.isAssignableIpv6(address)) {
        all.add(Ipv6.parse("link-local IP address", address));
      } else {
        throw Errors.invalidArgument("invalid endpoint settings:\ninvalid link-local IP address: %s",
            Identifiers.printable(address));
      }
    }
    return List.copyOf(all);
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
