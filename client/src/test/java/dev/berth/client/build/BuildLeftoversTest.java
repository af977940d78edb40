package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuildLeftoversTest {
  private static final String BUILD = BuildLeftovers.newBuildId();
  /** This process's PID namespace, as the labels of a build run here name it. */
  private static final String HERE = BuildLeftovers.labels(BUILD).get(BuildLeftovers.BUILDER_LABEL).split("@", 3)[2];

  private static Map<String, String> builtBy(String builder) {
    return Map.of(BuildLeftovers.BUILD_LABEL, BUILD, BuildLeftovers.BUILDER_LABEL, builder);
  }

  private static final BuildLeftovers LEASE_LIVE = new BuildLeftovers(Set.of(BUILD), HERE);

  @Test
  void aBuildUnderWayKeepsWhatItMade() {
    assertFalse(LEASE_LIVE.abandoned(BuildLeftovers.labels(BUILD)));
    assertFalse(LEASE_LIVE.abandoned(Map.of()), "not a build's");
  }

  @Test
  void aBuildWhoseLeaseIsGoneLeftItsThings() {
    assertTrue(new BuildLeftovers(Set.of(), HERE).abandoned(BuildLeftovers.labels(BUILD)),
        "its lease expired: the builder has not renewed it for minutes");
  }

  @Test
  void aBuilderSeenGoneHereLeftItsThingsBeforeItsLeaseExpires() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    assertTrue(LEASE_LIVE.abandoned(builtBy(gone.pid() + "@0@" + HERE)));
    long self = ProcessHandle.current().pid();
    assertTrue(LEASE_LIVE.abandoned(builtBy(self + "@1000@" + HERE)), "same pid, started at another time");
  }

  @Test
  void aBuilderInAnotherPidNamespaceIsJudgedByItsLeaseAlone() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    assertFalse(LEASE_LIVE.abandoned(builtBy(gone.pid() + "@0@pid:[1]@another-boot")),
        "a pid there says nothing of a process here");
    assertFalse(new BuildLeftovers(Set.of(BUILD), "").abandoned(builtBy(gone.pid() + "@0@" + HERE)),
        "where this process cannot tell its namespace");
  }

  @Test
  void labelsOfAnythingButABuildAreNotLeftovers() {
    assertFalse(LEASE_LIVE.abandoned(Map.of(BuildLeftovers.BUILDER_LABEL, "999999")), "no build id");
    for (String builder : new String[] {"1@x@" + HERE, "1@", "", "@@", "-1@0@" + HERE, "0@0@" + HERE, "x@0@" + HERE}) {
      assertFalse(LEASE_LIVE.abandoned(builtBy(builder)), builder);
    }
  }
}
