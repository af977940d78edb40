package dev.berth.api.labels;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Checks that text is an IP address written out, never looking a name up. */
public final class IpLiterals {
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  /** Hex groups, colons and an optional embedded IPv4 tail: the only characters of an IPv6 literal. */
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private IpLiterals() {}

  public static boolean isIpv4(String text) {
    return IPV4.matcher(text).matches();
  }

  public static boolean isIpv6(String text) {
    if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
      return false;
    }
    try {
      // text with a colon is parsed as an IPv6 literal, never resolved
      return InetAddress.getByName(text).getAddress().length == 16;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** An IPv4 address a container can be given: not {@code 0.0.0.0}, as Docker's daemon refuses it for --ip. */
  public static boolean isAssignableIpv4(String text) {
    return isIpv4(text) && !text.equals("0.0.0.0");
  }

  /** An IPv6 address a container can be given: not {@code ::}, as Docker's daemon refuses it for --ip6. */
  public static boolean isAssignableIpv6(String text) {
    try {
      return isIpv6(text) && !InetAddress.getByName(text).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public static boolean isIp(String text) {
    return isIpv4(text) || isIpv6(text);
  }
}
