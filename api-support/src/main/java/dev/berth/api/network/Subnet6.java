package dev.berth.api.network;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** An IPv6 subnet: network address and prefix length. */
public record Subnet6(Ipv6 network, int prefix) {
  /** Room for a gateway and a container beside the subnet-router anycast address. */
  public static final int LONGEST_PREFIX = 126;
  /**
   * A network is one link, and /64 is an IPv6 link's size (RFC 4291, 7421). Docker 27 has no
   * bound (2000::/3 is taken), but a shorter subnet is routed to the bridge in berthd's namespace,
   * the host's by default, and would take the host's traffic to every address it covers there.
   */
  public static final int SHORTEST_PREFIX = 64;
  private static final Subnet6 LINK_LOCAL = new Subnet6(Ipv6.parse("address", "fe80::"), 10);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Text safe to print as it is; anything else is quoted. */
  private static final Pattern CIDR_TEXT = Pattern.compile("[0-9A-Fa-f:./]*");

  public Subnet6 {
    if (prefix < 0 || prefix > 128 || !network.value().and(mask(prefix).not()).and(Ipv6.ALL).equals(BigInteger.ZERO)) {
      throw new IllegalArgumentException(network + "/" + prefix + " is not a subnet");
    }
  }

  /**
   * Parses {@code ADDRESS/n} with host bits zero; INVALID_ARGUMENT otherwise, in Docker's daemon's
   * words (its CLI prints them after "Error response from daemon: ").
   */
  public static Subnet6 parse(String text) {
    int slash = text.indexOf('/');
    String length = slash < 0 ? "" : text.substring(slash + 1);
    if (slash < 0 || !Ipv6.isValid(text.substring(0, slash)) || length.isEmpty() || length.length() > 3
        || !length.chars().allMatch(Character::isDigit) || Integer.parseInt(length) > 128) {
      throw Errors.invalidArgument("invalid network config:\ninvalid subnet %s: invalid CIDR block notation",
          CIDR_TEXT.matcher(text).matches() ? text : Identifiers.printable(text));
    }
    Ipv6 address = Ipv6.parse("subnet address", text.substring(0, slash));
    int prefix = Integer.parseInt(length);
    Subnet6 masked = containing(address, prefix);
    if (!masked.network().equals(address)) {
      throw Errors.invalidArgument("invalid network config:\ninvalid subnet %s: it should be %s", text, masked);
    }
    if (prefix < SHORTEST_PREFIX || prefix > LONGEST_PREFIX) {
      throw Errors.invalidArgument("subnet %s: prefix length must be between %d (one link's) and %d (room for a "
          + "gateway and a container)", text, SHORTEST_PREFIX, LONGEST_PREFIX);
    }
    if (masked.overlaps(LINK_LOCAL)) {
      // the kernel gives every interface an fe80::/64 address of its own
      throw Errors.invalidArgument("'%s' clashes with the Link-Local prefix 'fe80::/64'", text);
    }
    return masked;
  }

  /**
   * A subnet as the store keeps it, without {@link #parse}'s bounds: a network created before
   * those (a /48, say) still loads and can be removed.
   */
  public static Subnet6 parseStored(String text) {
    int slash = text.indexOf('/');
    return new Subnet6(Ipv6.parse("stored subnet", text.substring(0, slash)),
        Integer.parseInt(text.substring(slash + 1)));
  }

  /**
   * A unique local /64 (RFC 4193: fd00::/8 and a random 40-bit global id, subnet 0), for a network
   * created with IPv6 and no subnet of its own.
   */
  public static Subnet6 randomUniqueLocal() {
    byte[] bytes = new byte[16];
    byte[] globalId = new byte[5];
    RANDOM.nextBytes(globalId);
    bytes[0] = (byte) 0xfd;
    System.arraycopy(globalId, 0, bytes, 1, 5);
    return new Subnet6(Ipv6.of(bytes), 64);
  }

  public static Subnet6 containing(Ipv6 address, int prefix) {
    return new Subnet6(new Ipv6(address.value().and(mask(prefix))), prefix);
  }

  public boolean contains(Ipv6 address) {
    return address.value().and(mask(prefix)).equals(network.value());
  }

  public boolean overlaps(Subnet6 other) {
    BigInteger m = mask(Math.min(prefix, other.prefix));
    return network.value().and(m).equals(other.network.value().and(m));
  }

  public Ipv6 firstHost() {
    return network.plus(1);
  }

  public Ipv6 last() {
    return new Ipv6(network.value().or(mask(prefix).not().and(Ipv6.ALL)));
  }

  /** Any address of the subnet but its first, the subnet-router anycast address (RFC 4291). */
  public boolean isHost(Ipv6 address) {
    return contains(address) && !address.equals(network);
  }

  private static BigInteger mask(int prefix) {
    return Ipv6.ALL.shiftRight(128 - prefix).shiftLeft(128 - prefix);
  }

  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
