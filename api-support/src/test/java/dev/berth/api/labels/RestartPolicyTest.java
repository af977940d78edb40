package dev.berth.api.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  static RestartPolicy policy(String text) {
    return RestartPolicy.fromLabel(text).orElseThrow();
  }

  @Test
  void parsesDockersPolicies() {
    assertEquals(RestartPolicy.NO, policy("no"));
    assertEquals(RestartPolicy.NO, policy(""));
    assertEquals(RestartPolicy.Mode.ALWAYS, policy("always").mode());
    assertEquals(RestartPolicy.Mode.UNLESS_STOPPED, policy("unless-stopped").mode());
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 0), policy("on-failure"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 3), policy("on-failure:3"));
    assertEquals("on-failure:3", policy("on-failure:3").toString());
    for (String bad : new String[] {"sometimes", "always:2", "on-failure:", "on-failure:-1", "on-failure:x"}) {
      assertEquals(Optional.empty(), RestartPolicy.fromLabel(bad), bad);
    }
  }

  @Test
  void aUserStopHoldsExceptForAlwaysWhenTheDaemonStarts() {
    for (String p : new String[] {"always", "unless-stopped", "on-failure"}) {
      assertTrue(policy(p).wantsRestart(ContainerLabels.RUNNING, 1, 0, false), p);
      assertFalse(policy(p).wantsRestart(ContainerLabels.STOPPED, 1, 0, false), p);
      assertFalse(policy(p).wantsRestart(null, 1, 0, true), p + " never started");
    }
    assertTrue(policy("always").wantsRestart(ContainerLabels.STOPPED, 0, 0, true));
    assertFalse(policy("unless-stopped").wantsRestart(ContainerLabels.STOPPED, 0, 0, true));
    assertFalse(policy("on-failure").wantsRestart(ContainerLabels.STOPPED, 1, 0, true));
    assertFalse(policy("no").wantsRestart(ContainerLabels.RUNNING, 1, 0, true));
  }

  @Test
  void onFailureNeedsAFailureAndCountsRetries() {
    assertFalse(policy("on-failure").wantsRestart(ContainerLabels.RUNNING, 0, 0, false));
    assertTrue(policy("on-failure").wantsRestart(ContainerLabels.RUNNING, 137, 1000, false));
    assertTrue(policy("on-failure:2").wantsRestart(ContainerLabels.RUNNING, 1, 1, false));
    assertFalse(policy("on-failure:2").wantsRestart(ContainerLabels.RUNNING, 1, 2, false));
    assertTrue(policy("always").wantsRestart(ContainerLabels.RUNNING, 0, 1000, false));
  }
}
