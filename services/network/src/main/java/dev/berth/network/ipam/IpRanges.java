package dev.berth.network.ipam;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's {@code --ip-range}, checked against its subnet as Docker's daemon checks it
 * (ValidateIPAM), every problem found refused with INVALID_ARGUMENT in that daemon's words, which
 * its CLI prints after "Error response from daemon: ". As there, a range may be as narrow as one
 * address (a /32, a /128): with the gateway given outside it, that address is the one container's.
 */
public final class IpRanges {

  private IpRanges() {}

  /** The range asked for in {@code subnet}; null (the whole subnet) when none is. */
  public static Subnet parse(String asked, Subnet subnet) {
    if (asked.isEmpty()) {
      return null;
    }
    int slash = asked.indexOf('/');
    int prefix = slash < 0 ? -1 : prefixLength(asked.substring(slash + 1), 32);
    if (prefix < 0 || !Ipv4.isValid(asked.substring(0, slash))) {
      throw invalidNotation(asked);
    }
    Ipv4 address = Ipv4.parse("ip-range", asked.substring(0, slash));
    Subnet masked = Subnet.containing(address, prefix);
    refuse(asked, subnet.toString(), prefix < subnet.prefix(), !masked.network().equals(address), masked.toString(),
        !subnet.overlaps(masked));
    return masked;
  }

  /** The IPv6 range asked for in {@code subnet6}; null (the whole IPv6 subnet) when none is. */
  public static Subnet6 parse6(String asked, Subnet6 subnet6) {
    if (asked.isEmpty()) {
      return null;
    }
    int slash = asked.indexOf('/');
    int prefix = slash < 0 ? -1 : prefixLength(asked.substring(slash + 1), 128);
    if (prefix < 0 || !Ipv6.isValid(asked.substring(0, slash))) {
      throw invalidNotation(asked);
    }
    Ipv6 address = Ipv6.parse("ip-range", asked.substring(0, slash));
    Subnet6 masked = Subnet6.containing(address, prefix);
    refuse(asked, subnet6.toString(), prefix < subnet6.prefix(), !masked.network().equals(address),
        masked.toString(), !subnet6.overlaps(masked));
    return masked;
  }

  /** The prefix length written, or -1 when it is none up to {@code max}. */
  private static int prefixLength(String text, int max) {
    if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int prefix = Integer.parseInt(text);
    return prefix > max ? -1 : prefix;
  }

  private static RuntimeException invalidNotation(String asked) {
    return Errors.invalidArgument("invalid network config:\ninvalid ip-range %s: invalid CIDR block notation",
        Identifiers.plain(asked));
  }

  /** Docker's problems with a range, listed as its daemon lists them: one alone, or each after "* ". */
  private static void refuse(String range, String subnet, boolean bigger, boolean unaligned, String masked,
      boolean outside) {
    List<String> problems = new ArrayList<>();
    if (bigger) {
      problems.add("invalid ip-range " + range + ": CIDR block is bigger than its parent subnet " + subnet);
    }
    if (unaligned) {
      problems.add("invalid ip-range " + range + ": it should be " + masked);
    }
    if (outside) {
      problems.add("invalid ip-range " + range + ": parent subnet " + subnet + " doesn't contain ip-range");
    }
    if (!problems.isEmpty()) {
      throw Errors.invalidArgument("invalid network config:\n%s",
          problems.size() == 1 ? problems.get(0) : "* " + String.join("\n* ", problems));
    }
  }

}
