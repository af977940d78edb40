package dev.berth.ctl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerNamesBeforeTest {
  @Test
  void anEventBeforeARenameHasTheNameItHadThen() {
    ContainerNamesBefore names = new ContainerNamesBefore();
    Instant t = Instant.parse("2026-12-05T12:00:00Z");
    names.renamed("c1", "web", t.plusSeconds(10));
    names.renamed("c1", "front", t.plusSeconds(20));
    assertEquals(Optional.of("web"), names.at("c1", t));
    assertEquals(Optional.of("front"), names.at("c1", t.plusSeconds(15)));
    assertEquals(Optional.empty(), names.at("c1", t.plusSeconds(25)), "after the last rename: the name it has now");
    assertEquals(Optional.empty(), names.at("c2", t), "never renamed");
  }
}
