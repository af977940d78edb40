package dev.berth.api.network;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;

/** An IPv4 address as its 32 bits. */
public record Ipv4(int bits) implements IpAddress, Comparable<Ipv4> {
  /** Parses dotted-quad notation, refusing anything else with INVALID_ARGUMENT naming {@code what}. */
  public static Ipv4 parse(String what, String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw Errors.invalidArgument("%s %s is not an IPv4 address", what, Identifiers.printable(text));
    }
    int bits = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
          || (part.length() > 1 && part.charAt(0) == '0')) {
        throw Errors.invalidArgument("%s %s is not an IPv4 address", what, Identifiers.printable(text));
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw Errors.invalidArgument("%s %s is not an IPv4 address", what, Identifiers.printable(text));
      }
      bits = (bits << 8) | octet;
    }
    return new Ipv4(bits);
  }

  public static boolean isValid(String text) {
    try {
      parse("address", text);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public static Ipv4 of(byte[] bytes) {
    return new Ipv4(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8)
        | (bytes[3] & 0xff));
  }

  @Override
  public byte[] bytes() {
    return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
  }

  public long unsigned() {
    return Integer.toUnsignedLong(bits);
  }

  public Ipv4 plus(long n) {
    return new Ipv4((int) (unsigned() + n));
  }

  @Override
  public boolean isUnspecified() {
    return bits == 0;
  }

  public boolean isLoopback() {
    return (bits >>> 24) == 127;
  }

  @Override
  public int compareTo(Ipv4 other) {
    return Integer.compareUnsigned(bits, other.bits);
  }

  @Override
  public String toString() {
    return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
  }
}
