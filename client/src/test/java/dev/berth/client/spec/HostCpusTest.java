package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.InvalidValueException;
import dev.berth.client.InvalidParameterException;
import org.junit.jupiter.api.Test;

class HostCpusTest {
  private final HostCpus two = HostCpus.of("0-1");

  @Test
  void cpusUpToThoseOnlineAreTaken() {
    two.requireCpus(ResourceFlags.cpus("2"));
    two.requireCpus(ResourceFlags.cpus("0.5"));
    InvalidParameterException e = assertThrows(InvalidParameterException.class,
        () -> two.requireCpus(ResourceFlags.cpus("2.5")));
    assertEquals("range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available", e.getMessage());
  }

  @Test
  void cpusetOfCpusOnlineOnly() {
    two.requireOnline("0-1");
    two.requireOnline("1");
    HostCpus.of("0-3,6").requireOnline("2,6");
    assertEquals("invalid cpuset \"7\": requested CPUs are not available, available: 0-3,6",
        assertThrows(InvalidValueException.class, () -> HostCpus.of("0-3,6").requireOnline("7")).getMessage());
    assertThrows(InvalidValueException.class, () -> two.requireOnline("1-2"));
    assertThrows(InvalidValueException.class, () -> two.requireOnline("99999999999"));
  }

  @Test
  void thisHostHasACpuOnline() {
    HostCpus.here().requireOnline("0");
  }
}
