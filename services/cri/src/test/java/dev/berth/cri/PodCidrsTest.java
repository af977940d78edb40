package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pod CIDRs UpdateRuntimeConfig takes: what Go's net.ParseCIDR reads, comma-separated. */
class PodCidrsTest {
  @Test
  void cidrsOfBothFamiliesAreKeptAndEmptyChangesNothing() {
    PodCidrs cidrs = new PodCidrs();
    assertEquals(List.of(), cidrs.current());
    cidrs.update("10.244.1.0/24");
    assertEquals(List.of("10.244.1.0/24"), cidrs.current());
    cidrs.update("");
    assertEquals(List.of("10.244.1.0/24"), cidrs.current(), "as containerd: an empty CIDR is no change");
    cidrs.update("10.244.2.0/24, fd00:10:244:2::/64");
    assertEquals(List.of("10.244.2.0/24", "fd00:10:244:2::/64"), cidrs.current());
    assertEquals(List.of("10.244.0.5/16", "::/0", "::ffff:10.0.0.0/104"),
        PodCidrs.parse("10.244.0.5/16,::/0,::ffff:10.0.0.0/104"), "host bits may be set, as Go allows");
  }

  @Test
  void anythingElseIsAnInvalidArgumentAndKeepsWhatWasThere() {
    PodCidrs cidrs = new PodCidrs();
    cidrs.update("10.244.1.0/24");
    for (String bad : List.of("garbage", "10.244.0.0", "10.244.0.0/33", "10.244.0.0/", "10.244.0.0/024",
        "10.244.0.256/24", "10.244.0.0/24,", "fd00::/129", "fd00:::1/64", "fd00::1%eth0/64", "localhost/8",
        "example.com/24", ".:/8", "/24")) {
      BerthException e = assertThrows(BerthException.class, () -> cidrs.update(bad), bad);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), bad);
    }
    assertEquals(List.of("10.244.1.0/24"), cidrs.current());
  }
}
