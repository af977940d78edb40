package dev.berth.ctl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class VolumeMountEventsTest {
  private static final Instant AT = Instant.parse("2026-12-02T15:04:05Z");

  private static DockerEvent container(String action) {
    return new DockerEvent("container", action, "c1", new TreeMap<>(), AT);
  }

  @Test
  void theVolumesOfTheRecordAreMountedBeforeTheStartAndUnmountedBeforeTheDie() throws Exception {
    JsonNode described = new ObjectMapper().readTree("[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Destination\":\"/srv\","
        + "\"RW\":true},{\"Type\":\"volume\",\"Name\":\"data\",\"Driver\":\"local\",\"Destination\":\"/data\","
        + "\"RW\":false,\"Propagation\":\"\"}]");
    List<VolumeMountEvents.VolumeMount> volumes = VolumeMountEvents.of(described);

    assertEquals(List.of("2026-12-02T15:04:05.000000000Z volume mount data (container=c1, destination=/data, "
        + "driver=local, propagation=, read/write=false)"),
        VolumeMountEvents.before(container("start"), volumes).stream().map(e -> e.text(ZoneOffset.UTC)).toList());
    assertEquals(List.of("2026-12-02T15:04:05.000000000Z volume unmount data (container=c1, driver=local)"),
        VolumeMountEvents.before(container("die"), volumes).stream().map(e -> e.text(ZoneOffset.UTC)).toList());
    assertEquals(List.of(), VolumeMountEvents.before(container("stop"), volumes));
    assertEquals(List.of(), VolumeMountEvents.before(container("start"), VolumeMountEvents.of(null)));
  }
}
