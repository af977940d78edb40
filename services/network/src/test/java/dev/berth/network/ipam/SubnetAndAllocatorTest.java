package dev.berth.network.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import io.grpc.Status;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubnetAndAllocatorTest {
  @Test
  void parsesAndComparesSubnets() {
    Subnet s = Subnet.parse("10.88.0.0/16");
    assertEquals("10.88.0.1", s.firstHost().toString());
    assertEquals("10.88.255.254", s.lastHost().toString());
    assertEquals("10.88.255.255", s.broadcast().toString());
    assertTrue(s.contains(Ipv4.parse("a", "10.88.3.4")));
    assertFalse(s.contains(Ipv4.parse("a", "10.89.0.1")));
    assertTrue(s.overlaps(Subnet.parse("10.88.128.0/17")));
    assertTrue(s.overlaps(Subnet.parse("10.0.0.0/8")));
    assertFalse(s.overlaps(Subnet.parse("10.89.0.0/16")));
    assertEquals("10.88.0.0/16", Subnet.containing(Ipv4.parse("a", "10.88.7.1"), 16).toString());
  }

  @Test
  void anIpv6SubnetIsAtMostALinkButOneStoredBeforeThatRuleStillLoads() {
    assertEquals("fd00:db8::/64", Subnet6.parse("fd00:db8::/64").toString());
    for (String tooLarge : new String[] {"2000::/3", "fd00:db8::/48", "fd00:db8::/63", "::/0"}) {
      BerthException e = assertThrows(BerthException.class, () -> Subnet6.parse(tooLarge), tooLarge);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    }
    assertEquals("fd00:db8::/48", Subnet6.parseStored("fd00:db8::/48").toString());
  }

  @Test
  void refusesMalformedAddressesAndSubnets() {
    for (String bad : new String[] {"10.88.0.1/16", "10.88.0.0", "10.88.0.0/33", "10.88.0.0/31", "10.88.0/16",
        "10.88.0.0/x", "256.0.0.0/8", "010.88.0.0/16", "10.88.0.0/"}) {
      BerthException e = assertThrows(BerthException.class, () -> Subnet.parse(bad), bad);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    }
  }

  @Test
  void handsOutEachAddressOnceAndWrapsAroundAfterTheLast() {
    Subnet s = Subnet.parse("10.1.0.0/29");
    Ipv4 gateway = s.firstHost();
    Set<Ipv4> leased = new HashSet<>();
    Ipv4 last = null;
    for (int i = 0; i < 5; i++) {
      last = AddressAllocator.allocate(onePool(s, s, gateway), leased, last, null);
      assertTrue(leased.add(last), "never twice: " + last);
    }
    assertEquals("10.1.0.6", last.toString());
    BerthException full = assertThrows(BerthException.class,
        () -> AddressAllocator.allocate(onePool(s, s, gateway), Set.copyOf(leased), null, null));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.code());
    leased.remove(Ipv4.parse("a", "10.1.0.3"));
    assertEquals("10.1.0.3", AddressAllocator.allocate(onePool(s, s, gateway), leased, last, null).toString());
  }

  @Test
  void handsOutAddressesOfTheRangeOnlyButTakesARequestedOneAnywhereInTheSubnet() {
    Subnet s = Subnet.parse("10.1.0.0/16");
    Subnet range = Subnet.parse("10.1.5.0/30");
    Set<Ipv4> leased = new HashSet<>();
    Ipv4 last = null;
    for (String expected : List.of("10.1.5.0", "10.1.5.1", "10.1.5.2", "10.1.5.3")) {
      last = AddressAllocator.allocate(onePool(s, range, s.firstHost()), leased, last, null);
      assertEquals(expected, last.toString());
      leased.add(last);
    }
    Set<Ipv4> full = Set.copyOf(leased);
    BerthException none = assertThrows(BerthException.class,
        () -> AddressAllocator.allocate(onePool(s, range, s.firstHost()), full, null, null));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, none.code());
    assertEquals("10.1.0.9", AddressAllocator.allocate(onePool(s, range, s.firstHost()), full, null,
        Ipv4.parse("a", "10.1.0.9")).toString());
    // a range reaching the subnet's edges hands out neither its network address nor its broadcast
    Subnet edge = Subnet.parse("10.1.0.0/30");
    assertEquals("10.1.0.2",
        AddressAllocator.allocate(onePool(s, edge, s.firstHost()), Set.of(), null, null).toString());
  }

  @Test
  void doesNotReuseTheAddressJustReleased() {
    Subnet s = Subnet.parse("10.1.0.0/24");
    Ipv4 first = AddressAllocator.allocate(onePool(s, s, s.firstHost()), Set.of(), null, null);
    Ipv4 second = AddressAllocator.allocate(onePool(s, s, s.firstHost()), Set.of(), first, null);
    assertEquals("10.1.0.2", first.toString());
    assertEquals("10.1.0.3", second.toString());
  }

  @Test
  void aRangeOfOneAddressHandsOutThatAddressAloneAndAtTheSubnetsStartNone() {
    Subnet s = Subnet.parse("10.1.0.0/24");
    Subnet one = Subnet.parseStored("10.1.0.5/32");
    assertEquals("10.1.0.5",
        AddressAllocator.allocate(onePool(s, one, s.firstHost()), Set.of(), null, null).toString());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, assertThrows(BerthException.class, () -> AddressAllocator.allocate(
        onePool(s, one, s.firstHost()), Set.of(Ipv4.parse("a", "10.1.0.5")), null, null)).code());
    // as Docker's allocator, which never hands out the subnet's network address
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, assertThrows(BerthException.class, () -> AddressAllocator.allocate(
        onePool(s, Subnet.parseStored("10.1.0.0/32"), Ipv4.parse("a", "10.1.0.9")), Set.of(), null, null)).code());
    assertEquals("10.1.0.1", AddressAllocator.allocate(onePool(s, Subnet.parseStored("10.1.0.0/31"),
        Ipv4.parse("a", "10.1.0.9")), Set.of(), null, null).toString());
  }

  @Test
  void severalPoolsHandOutTheFirstWithRoomAndARequestedAddressFromThePoolHoldingIt() {
    Subnet first = Subnet.parse("10.30.0.0/30");
    Subnet second = Subnet.parse("10.31.0.0/24");
    NetworkInfo network = twoPools(first, second);
    Set<Ipv4> leased = new HashSet<>();
    Ipv4 a = AddressAllocator.allocate(network, leased, null, null);
    assertEquals("10.30.0.2", a.toString(), "the first pool's one address beside its gateway");
    leased.add(a);
    Ipv4 b = AddressAllocator.allocate(network, leased, a, null);
    assertEquals("10.31.0.2", b.toString(), "the first pool full, the second's first after its gateway");
    leased.add(b);
    assertEquals(second, AddressAllocator.poolOf(network.pools(), b).subnet());
    assertEquals("10.31.0.1", AddressAllocator.poolOf(network.pools(), b).gateway().toString());
    leased.remove(a);
    assertEquals("10.30.0.2", AddressAllocator.allocate(network, leased, b, null).toString(),
        "an address freed in the first pool is handed out before the second's");
    assertEquals("10.31.0.77", AddressAllocator.allocate(network, leased, b, Ipv4.parse("a", "10.31.0.77"))
        .toString());
    BerthException gateway = assertThrows(BerthException.class,
        () -> AddressAllocator.allocate(network, Set.of(), null, Ipv4.parse("a", "10.31.0.1")));
    assertEquals(Status.Code.INVALID_ARGUMENT, gateway.code(), "the second pool's gateway");
    assertEquals("Address already in use (10.31.0.1 is the gateway of network two)", gateway.getMessage(),
        "Docker's allocator's words first");
    BerthException taken = assertThrows(BerthException.class,
        () -> AddressAllocator.allocate(network, leased, null, b));
    assertEquals(Status.Code.ALREADY_EXISTS, taken.code());
    assertEquals("Address already in use (10.31.0.2 on network two)", taken.getMessage());
    BerthException outside = assertThrows(BerthException.class,
        () -> AddressAllocator.allocate(network, Set.of(), null, Ipv4.parse("a", "10.32.0.5")));
    assertEquals("invalid endpoint settings:\nno configured subnet or ip-range contain the IP address 10.32.0.5",
        outside.getMessage());

    NetworkInfo tiny = twoPools(first, Subnet.parse("10.31.0.0/30"));
    Set<Ipv4> full = Set.of(Ipv4.parse("a", "10.30.0.2"), Ipv4.parse("a", "10.31.0.2"));
    BerthException none = assertThrows(BerthException.class, () -> AddressAllocator.allocate(tiny, full, null, null));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, none.code());
    assertEquals("no available IPv4 addresses on this network's address pools: two (" + tiny.id() + ")",
        none.getMessage(), "Docker's daemon's words");
  }

  @Test
  void aNetworkOfOnePoolRunsOutInDockersWordsToo() {
    Subnet s = Subnet.parse("10.32.0.0/30");
    NetworkInfo one = new NetworkInfo("one", "bridge", s, s.firstHost(), "br-one", 1500, true, false, Map.of(),
        Instant.EPOCH, false, NetworkInfo.newId(), null, true);
    Ipv4 only = AddressAllocator.allocate(one, Set.of(), null, null);
    assertEquals("10.32.0.2", only.toString());
    BerthException none = assertThrows(BerthException.class, () -> AddressAllocator.allocate(one, Set.of(only), only,
        null));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, none.code());
    assertEquals("no available IPv4 addresses on this network's address pools: one (" + one.id() + ")",
        none.getMessage());
  }

  /** A network of one pool: {@code subnet}, handing out {@code range}, its gateway {@code gateway}. */
  private static NetworkInfo onePool(Subnet subnet, Subnet range, Ipv4 gateway) {
    return new NetworkInfo("n", "bridge", subnet, gateway, "br-n", 1500, true, false, Map.of(), Instant.EPOCH, false,
        NetworkInfo.newId(), range.equals(subnet) ? null : range, true, null, null, false, false, null, Map.of(),
        List.of(), List.of());
  }

  private static NetworkInfo twoPools(Subnet first, Subnet second) {
    return new NetworkInfo("two", "bridge", first, first.firstHost(), "br-two", 1500, true, false, Map.of(),
        Instant.EPOCH, false, NetworkInfo.newId(), null, true, null, null, false, false, null, Map.of(),
        List.of(new Ipv4Pool(second, second.firstHost(), null)), List.of());
  }
}
