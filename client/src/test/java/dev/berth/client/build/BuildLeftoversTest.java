package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildLeftoversTest {
  @Test
  void aLiveBuildersLeftoversAreNotAbandoned() {
    assertFalse(BuildLeftovers.abandoned(BuildLeftovers.label()));
    assertFalse(BuildLeftovers.abandoned(Map.of()), "not a build's");
  }

  @Test
  void aDeadBuildersAreAbandoned() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    assertTrue(BuildLeftovers.abandoned(Map.of(BuildLeftovers.BUILDER_LABEL, gone.pid() + "@0")));
  }

  @Test
  void aProcessThatTookTheDeadBuildersIdIsNotTheBuilder() {
    long self = ProcessHandle.current().pid();
    assertTrue(BuildLeftovers.abandoned(Map.of(BuildLeftovers.BUILDER_LABEL, self + "@1000")),
        "same pid, started at another time");
  }
}
