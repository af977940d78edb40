package dev.berth.network.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class IpRangesTest {
  private static final Subnet SUBNET = Subnet.parse("10.77.0.0/24");
  private static final Subnet6 SUBNET6 = Subnet6.parse("fd00:1::/64");

  @Test
  void aRangeInItsSubnetIsTakenAndNoneIsTheWholeSubnet() {
    assertEquals("10.77.0.128/25", IpRanges.parse("10.77.0.128/25", SUBNET).toString());
    assertEquals("fd00:1::/80", IpRanges.parse6("fd00:1::/80", SUBNET6).toString());
    assertNull(IpRanges.parse("", SUBNET));
    assertNull(IpRanges.parse6("", SUBNET6));
  }

  @Test
  void rangesAreRefusedInDockersDaemonsWordsForBothFamilies() {
    refused("invalid network config:\ninvalid ip-range 10.77.0.5/25: it should be 10.77.0.0/25",
        () -> IpRanges.parse("10.77.0.5/25", SUBNET));
    refused("invalid network config:\ninvalid ip-range fd00:1::5/80: it should be fd00:1::/80",
        () -> IpRanges.parse6("fd00:1::5/80", SUBNET6));
    refused("invalid network config:\ninvalid ip-range 10.77.0.0/16: CIDR block is bigger than its parent subnet "
        + "10.77.0.0/24", () -> IpRanges.parse("10.77.0.0/16", SUBNET));
    refused("invalid network config:\ninvalid ip-range fd00:1::/48: CIDR block is bigger than its parent subnet "
        + "fd00:1::/64", () -> IpRanges.parse6("fd00:1::/48", SUBNET6));
    refused("invalid network config:\ninvalid ip-range 10.78.0.0/25: parent subnet 10.77.0.0/24 doesn't contain "
        + "ip-range", () -> IpRanges.parse("10.78.0.0/25", SUBNET));
    refused("invalid network config:\n* invalid ip-range 10.0.0.1/8: CIDR block is bigger than its parent subnet "
        + "10.77.0.0/24\n* invalid ip-range 10.0.0.1/8: it should be 10.0.0.0/8",
        () -> IpRanges.parse("10.0.0.1/8", SUBNET));
    refused("invalid network config:\ninvalid ip-range nope: invalid CIDR block notation",
        () -> IpRanges.parse("nope", SUBNET));
    refused("invalid network config:\ninvalid ip-range fd00:1::/129: invalid CIDR block notation",
        () -> IpRanges.parse6("fd00:1::/129", SUBNET6));
  }

  @Test
  void aRangeAsNarrowAsOneAddressIsTakenAsDockersIs() {
    assertEquals("10.77.0.5/32", IpRanges.parse("10.77.0.5/32", SUBNET).toString());
    assertEquals("10.77.0.4/31", IpRanges.parse("10.77.0.4/31", SUBNET).toString());
    assertEquals("fd00:1::5/128", IpRanges.parse6("fd00:1::5/128", SUBNET6).toString());
    assertEquals("fd00:1::4/127", IpRanges.parse6("fd00:1::4/127", SUBNET6).toString());
  }

  private static void refused(String message, Executable parse) {
    BerthException e = assertThrows(BerthException.class, parse);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertEquals(message, e.getMessage());
  }
}
