package dev.berth.ctl.network;

import berth.network.v1.AddressPool;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import dev.berth.ctl.CommandFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code network create}'s {@code --subnet}, {@code --ip-range}, {@code --gateway} and
 * {@code --aux-address} grouped into address pools as Docker's CLI groups them: each range and
 * gateway belongs to the subnet that contains it, subnets may not overlap, and every problem is
 * refused in that CLI's words. A subnet that does not parse contains anything here: berthd says
 * what is wrong with it.
 */
final class IpamFlags {
  private IpamFlags() {}

  /** The pools, in the order their subnets were given. */
  static List<AddressPool> pools(List<String> subnets, List<String> ranges, List<String> gateways,
      Map<String, String> auxAddresses) {
    if (subnets.size() < ranges.size() || subnets.size() < gateways.size()) {
      // a range or gateway is part of a subnet the user chose, not of one berthd picks
      throw new CommandFailure("every ip-range or gateway must have a corresponding subnet");
    }
    for (int i = 0; i < subnets.size(); i++) {
      for (String earlier : subnets.subList(0, i)) {
        if (contains(subnets.get(i), earlier) == Boolean.TRUE || contains(earlier, subnets.get(i)) == Boolean.TRUE) {
          throw new CommandFailure("multiple overlapping subnet configuration is not supported");
        }
      }
    }
    List<AddressPool.Builder> pools = new ArrayList<>();
    subnets.forEach(s -> pools.add(AddressPool.newBuilder().setSubnet(s)));
    for (String range : ranges) {
      boolean matched = false;
      for (AddressPool.Builder pool : pools) {
        if (matches(pool.getSubnet(), range)) {
          if (!pool.getIpRange().isEmpty()) {
            throw new CommandFailure("cannot configure multiple ranges (" + range + ", " + pool.getIpRange()
                + ") on the same subnet (" + pool.getSubnet() + ")");
          }
          pool.setIpRange(range);
          matched = true;
        }
      }
      requireMatch(matched, "range", range);
    }
    for (String gateway : gateways) {
      boolean matched = false;
      for (AddressPool.Builder pool : pools) {
        if (matches(pool.getSubnet(), gateway)) {
          if (!pool.getGateway().isEmpty()) {
            throw new CommandFailure("cannot configure multiple gateways (" + gateway + ", " + pool.getGateway()
                + ") for the same subnet (" + pool.getSubnet() + ")");
          }
          pool.setGateway(gateway);
          matched = true;
        }
      }
      requireMatch(matched, "gateway", gateway);
    }
    for (String address : auxAddresses.values()) {
      requireMatch(pools.stream().anyMatch(p -> matches(p.getSubnet(), address)), "aux-address", address);
    }
    return pools.stream().map(AddressPool.Builder::build).toList();
  }

  private static void requireMatch(boolean matched, String what, String value) {
    if (!matched) {
      throw new CommandFailure("no matching subnet for " + what + " " + value);
    }
  }

  /** Whether {@code subnet} holds the address (or the CIDR's address) {@code value}; Go's error for a bad CIDR. */
  private static boolean matches(String subnet, String value) {
    Boolean contained = contains(subnet, value);
    return contained == null || contained;
  }

  /**
   * Whether {@code subnet} holds {@code value}'s address: false for what is no address (or one of
   * the other family), null when the subnet does not parse.
   */
  private static Boolean contains(String subnet, String value) {
    int slash = value.indexOf('/');
    String address = slash < 0 ? value : value.substring(0, slash);
    boolean v6 = address.contains(":");
    boolean isAddress = v6 ? Ipv6.isValid(address) : Ipv4.isValid(address);
    if (slash >= 0 && (!isAddress || !isPrefixLength(value.substring(slash + 1), v6 ? 128 : 32))) {
      throw new CommandFailure("invalid CIDR address: " + value);
    }
    if (!isAddress || subnet.contains(":") != v6) {
      return false;
    }
    try {
      return v6 ? Subnet6.parse(subnet).contains(Ipv6.parse("address", address))
          : Subnet.parse(subnet).contains(Ipv4.parse("address", address));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean isPrefixLength(String text, int max) {
    return !text.isEmpty() && text.length() <= 3 && text.chars().allMatch(Character::isDigit)
        && Integer.parseInt(text) <= max;
  }
}
