package dev.berth.api.network;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;

/** An IPv4 subnet: network address and prefix length. */
public record Subnet(Ipv4 network, int prefix) {
  /** Smallest network that holds a gateway and one container. */
  public static final int LONGEST_PREFIX = 30;
  /** Larger networks would only waste the private ranges. */
  public static final int SHORTEST_PREFIX = 8;

  public Subnet {
    if (prefix < 0 || prefix > 32 || (network.bits() & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException(network + "/" + prefix + " is not a subnet");
    }
  }

  /** Parses {@code a.b.c.d/n} with host bits zero; INVALID_ARGUMENT otherwise. */
  public static Subnet parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw Errors.invalidArgument("subnet %s is not in CIDR notation (a.b.c.d/n)", Identifiers.printable(text));
    }
    Ipv4 address = Ipv4.parse("subnet address", text.substring(0, slash));
    String length = text.substring(slash + 1);
    if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(Character::isDigit)) {
      throw Errors.invalidArgument("subnet %s has an invalid prefix length", Identifiers.printable(text));
    }
    int prefix = Integer.parseInt(length);
    if (prefix < SHORTEST_PREFIX || prefix > LONGEST_PREFIX) {
      throw Errors.invalidArgument("subnet %s: prefix length must be between %d and %d",
          text, SHORTEST_PREFIX, LONGEST_PREFIX);
    }
    if ((address.bits() & ~mask(prefix)) != 0) {
      throw Errors.invalidArgument("subnet %s has host bits set; did you mean %s?",
          text, containing(address, prefix));
    }
    return new Subnet(address, prefix);
  }

  /**
   * A subnet or range as the store and the service render it, without {@link #parse}'s bounds: a
   * range may be as narrow as one address (a /32).
   */
  public static Subnet parseStored(String text) {
    int slash = text.indexOf('/');
    return new Subnet(Ipv4.parse("stored subnet", text.substring(0, slash)),
        Integer.parseInt(text.substring(slash + 1)));
  }

  /** The subnet of length {@code prefix} that {@code address} lies in. */
  public static Subnet containing(Ipv4 address, int prefix) {
    return new Subnet(new Ipv4(address.bits() & mask(prefix)), prefix);
  }

  public boolean contains(Ipv4 address) {
    return (address.bits() & mask(prefix)) == network.bits();
  }

  public boolean overlaps(Subnet other) {
    int shorter = Math.min(prefix, other.prefix);
    return (network.bits() & mask(shorter)) == (other.network.bits() & mask(shorter));
  }

  public Ipv4 broadcast() {
    return new Ipv4(network.bits() | ~mask(prefix));
  }

  public Ipv4 firstHost() {
    return network.plus(1);
  }

  public Ipv4 lastHost() {
    return broadcast().plus(-1);
  }

  /** True for addresses a host may carry: neither the network address nor the broadcast. */
  public boolean isHost(Ipv4 address) {
    return contains(address) && !address.equals(network) && !address.equals(broadcast());
  }

  private static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
