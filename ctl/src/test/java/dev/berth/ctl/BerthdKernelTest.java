package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * A whole berthd in the test JVM for a class of berthctl kernel tests; every container a test
 * made is removed after it, and berthd stops after the class, failed or not.
 */
abstract class BerthdKernelTest {
  static BerthdInJvm berthd;

  @BeforeAll
  static void startBerthd() throws Exception {
    berthd = BerthdInJvm.start();
  }

  @AfterAll
  static void stopBerthd() throws Exception {
    if (berthd != null) {
      berthd.close();
      berthd = null;
    }
  }

  @AfterEach
  void removeContainers() {
    for (String id : berthd.ctl("ps", "-aq", "--no-trunc").out().lines().toList()) {
      berthd.ctl("rm", "-f", "-v", id);
    }
  }

  /**
   * Now as Unix seconds with nanoseconds, for {@code events --since}: a follower given {@code
   * --until} alone would first replay what earlier tests did, as Docker's daemon replays it.
   */
  static String unixNow() {
    Instant now = Instant.now();
    return now.getEpochSecond() + "." + String.format("%09d", now.getNano());
  }

  /** Runs berthctl and insists on exit code 0. */
  static Cli.Result ok(String... args) {
    Cli.Result r = berthd.ctl(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
    return r;
  }
}
