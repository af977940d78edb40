package dev.berth.api.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.InvalidValueException;
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
    // as Docker's CLI reads them: an empty count is none, a count of 0 is none for every policy
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 0), policy("on-failure:"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ALWAYS, 0), policy("always:0"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, 3), policy("on-failure:+3"));
    for (String bad : new String[] {"sometimes", "No", "always:2", ":3", "on-failure:-1", "on-failure:x"}) {
      assertEquals(Optional.empty(), RestartPolicy.fromLabel(bad), bad);
    }
  }

  @Test
  void refusesInDockersWords() {
    // what Docker's CLI cannot read
    assertEquals("invalid restart policy format: maximum retry count must be an integer",
        assertThrows(InvalidValueException.class, () -> RestartPolicy.parse("on-failure:x")).getMessage());
    assertEquals("invalid restart policy format: no policy provided before colon",
        assertThrows(InvalidValueException.class, () -> RestartPolicy.parse(":3")).getMessage());
    // what Docker's daemon refuses
    assertEquals("invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or "
        + "'unless-stopped'",
        assertThrows(RestartPolicy.Invalid.class, () -> RestartPolicy.parse("sometimes")).getMessage());
    assertEquals("invalid restart policy: maximum retry count can only be used with 'on-failure'",
        assertThrows(RestartPolicy.Invalid.class, () -> RestartPolicy.parse("always:2")).getMessage());
    assertEquals(
        "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative",
        assertThrows(RestartPolicy.Invalid.class, () -> RestartPolicy.parse("no:-1")).getMessage());
    assertEquals("invalid restart policy: maximum retry count cannot be negative",
        assertThrows(RestartPolicy.Invalid.class, () -> RestartPolicy.parse("on-failure:-1")).getMessage());
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
  void aContainerAFailedRestartLeftStoppedIsTakenUpAgainWhenTheDaemonStartsAsDockers() {
    String failed = ContainerLabels.RESTART_FAILED;
    for (String p : new String[] {"always", "unless-stopped", "on-failure"}) {
      assertFalse(policy(p).wantsRestart(failed, 1, 1, false), p + " not before the daemon starts");
      assertTrue(policy(p).wantsRestart(failed, 1, 1, true), p);
    }
    assertTrue(policy("on-failure:2").wantsRestart(failed, 1, 1, true), "under its count");
    assertFalse(policy("on-failure:2").wantsRestart(failed, 1, 2, true), "its retries used up");
    assertFalse(policy("on-failure").wantsRestart(failed, 0, 1, true), "after an exit 0");
    assertFalse(policy("no").wantsRestart(failed, 1, 1, true));
  }

  @Test
  void aContainerWhoseStartOnRequestFailedIsTakenUpAgainWhenTheDaemonStartsAsDockers() {
    String failed = ContainerLabels.START_FAILED;
    for (String p : new String[] {"always", "unless-stopped", "on-failure"}) {
      assertFalse(policy(p).wantsRestart(failed, 128, 0, false), p + " not before the daemon starts");
      assertTrue(policy(p).wantsRestart(failed, 128, 0, true), p);
    }
    assertFalse(policy("no").wantsRestart(failed, 128, 0, true));
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
