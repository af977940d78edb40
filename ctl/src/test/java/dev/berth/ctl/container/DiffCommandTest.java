package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DiffCommandTest {
  @Test
  void theRuntimesMountPointsAndTheDirectoriesHoldingOnlyThemAreLeftOut() {
    TreeMap<String, Character> layer = new TreeMap<>(Map.of(
        "/etc", 'C', "/etc/hosts", 'A', "/etc/hostname", 'A', "/etc/resolv.conf", 'A',
        "/proc", 'A', "/dev", 'A', "/dev/pts", 'A', "/sys", 'A'));
    assertEquals(Map.of(), DiffCommand.withoutRuntimeMountPoints(layer));
  }

  @Test
  void whatTheContainerChangedBesideThemStays() {
    TreeMap<String, Character> layer = new TreeMap<>(Map.of(
        "/etc", 'C', "/etc/hosts", 'A', "/etc/passwd", 'C', "/etc-old", 'A', "/empty", 'A',
        "/srv", 'A', "/srv/hosts", 'A', "/devices", 'A'));
    assertEquals(new TreeMap<>(Map.of("/etc", 'C', "/etc/passwd", 'C', "/etc-old", 'A', "/empty", 'A',
        "/srv", 'A', "/srv/hosts", 'A', "/devices", 'A')), DiffCommand.withoutRuntimeMountPoints(layer));
  }
}
