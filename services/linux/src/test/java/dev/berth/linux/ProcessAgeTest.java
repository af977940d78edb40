package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessAgeTest {
  @Test
  void agreesWithTheJvmsOwnUptimeWithinTheKernelsTicks() {
    // the JVM notes its start just after the exec: the process is a little older, never younger
    long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();
    Duration age = ProcessAge.ofThisProcess().orElseThrow();
    long jvmUptimeAfter = ManagementFactory.getRuntimeMXBean().getUptime();
    assertTrue(age.toMillis() >= jvmUptime - 20, "age " + age + " against the JVM's uptime " + jvmUptime + " ms");
    // a boot time in whole seconds would put it anywhere up to a second off
    assertTrue(age.toMillis() <= jvmUptimeAfter + 300, "age " + age + " against the JVM's uptime " + jvmUptimeAfter + " ms");
  }
}
