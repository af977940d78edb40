package dev.berth.api.network;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv6 address, its 128 bits as a non-negative number; printed as RFC 5952 writes it (fd00::2). */
public record Ipv6(BigInteger value) implements IpAddress, Comparable<Ipv6> {
  static final BigInteger ALL = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
  /** {@code ::}, every IPv6 address of the host. */
  public static final Ipv6 ANY = new Ipv6(BigInteger.ZERO);
  /** Only hex digits, colons and an embedded IPv4 tail: never a host name for InetAddress to look up. */
  private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

  public Ipv6 {
    if (value.signum() < 0 || value.compareTo(ALL) > 0) {
      throw new IllegalArgumentException(value + " is no IPv6 address");
    }
  }

  /** Parses an IPv6 literal ({@code what} names it in the INVALID_ARGUMENT otherwise). */
  public static Ipv6 parse(String what, String text) {
    if (!isValid(text)) {
      throw Errors.invalidArgument("%s %s is not a valid IPv6 address", what, Identifiers.printable(text));
    }
    try {
      return of(InetAddress.getByName(text).getAddress());
    } catch (UnknownHostException e) {
      throw Errors.invalidArgument("%s %s is not a valid IPv6 address", what, Identifiers.printable(text));
    }
  }

  /** True for an IPv6 literal (an IPv4-mapped one included), without a zone. */
  public static boolean isValid(String text) {
    if (text == null || !text.contains(":") || !TEXT.matcher(text).matches()) {
      return false;
    }
    try {
      InetAddress a = InetAddress.getByName(text);
      // ::ffff:a.b.c.d comes back as an Inet4Address; it is IPv6 text all the same
      return a instanceof Inet6Address || a.getAddress().length == 4;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public static Ipv6 of(byte[] bytes) {
    if (bytes.length == 4) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(bytes, 0, mapped, 12, 4);
      bytes = mapped;
    }
    return new Ipv6(new BigInteger(1, bytes));
  }

  @Override
  public byte[] bytes() {
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[16];
    int n = Math.min(raw.length, 16);
    System.arraycopy(raw, raw.length - n, bytes, 16 - n, n);
    return bytes;
  }

  @Override
  public boolean isUnspecified() {
    return value.signum() == 0;
  }

  public Ipv6 plus(long n) {
    return new Ipv6(value.add(BigInteger.valueOf(n)));
  }

  @Override
  public int compareTo(Ipv6 other) {
    return value.compareTo(other.value);
  }

  /** RFC 5952: lower case, leading zeros dropped, the longest run of two or more zero groups as {@code ::}. */
  @Override
  public String toString() {
    byte[] b = bytes();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    return s.toString();
  }
}
