package dev.berth.ctl.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import berth.volumes.v1.Volume;
import dev.berth.ctl.DaemonError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** volume ls's filters, as Docker's daemon reads them. */
class VolumeFilterTest {
  private static final List<Volume> VOLUMES = List.of(
      Volume.newBuilder().setName("data").setDriver("local").addUsedBy("c1").build(),
      Volume.newBuilder().setName("data2").setDriver("local").putLabels("team", "web").build(),
      Volume.newBuilder().setName("cache").setDriver("local").build());

  private static List<String> names(String... filters) {
    return VOLUMES.stream().filter(VolumeFilter.parse(List.of(filters))).map(Volume::getName).toList();
  }

  @Test
  void nameIsARegularExpressionFoundInTheName() {
    assertEquals(List.of("data"), names("name=^data$"));
    assertEquals(List.of("data", "data2"), names("name=dat"));
    assertEquals(List.of("data2", "cache"), names("name=2$", "name=^c"));
    assertEquals(List.of(), names("name=^dat$"));
  }

  @Test
  void otherKeysCombineWithTheName() {
    assertEquals(List.of("data2"), names("name=^data", "dangling=true"));
    assertEquals(List.of("data2"), names("name=data", "label=team=web"));
    assertEquals(List.of("data", "data2", "cache"), names("driver=local"));
  }

  @Test
  void badFiltersAreRefusedInDockersWords() {
    assertEquals("invalid filter 'dangling=maybe': true or false",
        assertThrows(DaemonError.class, () -> names("dangling=maybe")).getMessage());
    assertEquals("invalid filter 'scope': expected name=, label=, dangling=, driver=",
        assertThrows(DaemonError.class, () -> names("scope=local")).getMessage());
  }
}
