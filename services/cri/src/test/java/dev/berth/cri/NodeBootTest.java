package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.ProtoTimes;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which pods a reboot took: by the boot they name, or for an older berthd's, by when they were made. */
class NodeBootTest {
  private static final Instant BOOTED = Instant.parse("2026-12-06T04:00:00Z");
  private static final NodeBoot THIS_BOOT = new NodeBoot("b2", BOOTED);

  private static Container pod(Instant made, String bootLabel) {
    Container.Builder record = Container.newBuilder().setId("p").setCreatedAt(ProtoTimes.toTimestamp(made))
        .putLabels(CriRecords.KIND, CriRecords.SANDBOX);
    if (bootLabel != null) {
      record.putLabels(CriRecords.BOOT_ID, bootLabel);
    }
    return record.build();
  }

  @Test
  void aPodNamingItsBootIsOfAnEarlierBootWhenTheNameDiffers() {
    assertTrue(THIS_BOOT.earlierThan(pod(BOOTED.plusSeconds(60), "b1"), true));
    assertFalse(THIS_BOOT.earlierThan(pod(BOOTED.plusSeconds(60), "b2"), false));
  }

  @Test
  void aPodAnOlderBerthdMadeWithoutNamingItsBootIsOfThisBootWhenTheStateDirectoryKeepsIt() {
    // made before an NTP step moved btime past its creation, on this boot: its directory under
    // the state directory, which a reboot empties, says so
    assertFalse(THIS_BOOT.earlierThan(pod(BOOTED.minusSeconds(90), null), true), "kept on this boot");
    assertFalse(THIS_BOOT.earlierThan(pod(BOOTED.plusSeconds(30), null), true), "kept on this boot");
  }

  @Test
  void aPodAnOlderBerthdMadeWithoutNamingItsBootNorKeptGoesByWhenItWasMade() {
    // the hostNetwork pod that stayed READY after a reboot: nothing under the state directory told it
    assertTrue(THIS_BOOT.earlierThan(pod(BOOTED.minus(Duration.ofHours(3)), null), false), "made before this boot");
    assertFalse(THIS_BOOT.earlierThan(pod(BOOTED.plusSeconds(30), null), false), "made on this boot");
  }

  @Test
  void thisBootIsTheKernels() {
    NodeBoot now = NodeBoot.current();
    assertTrue(now.id().matches("[0-9a-f-]{36}"), now.id());
    assertTrue(now.began().isBefore(Instant.now()) && now.began().isAfter(Instant.parse("2000-01-01T00:00:00Z")),
        now.began().toString());
  }
}
