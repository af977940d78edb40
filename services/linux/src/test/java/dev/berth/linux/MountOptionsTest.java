package dev.berth.linux;

import static dev.berth.linux.MountOptions.MS_BIND;
import static dev.berth.linux.MountOptions.MS_NOSUID;
import static dev.berth.linux.MountOptions.MS_PRIVATE;
import static dev.berth.linux.MountOptions.MS_RDONLY;
import static dev.berth.linux.MountOptions.MS_REC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
  @Test
  void flagWordsBecomeFlagsAndTheRestIsData() {
    MountOptions o = MountOptions.parse(List.of("ro", "nosuid", "lowerdir=/a:/b", "upperdir=/u", "workdir=/w"));
    assertEquals(MS_RDONLY | MS_NOSUID, o.flags());
    assertEquals("lowerdir=/a:/b,upperdir=/u,workdir=/w", o.data());
  }

  @Test
  void laterWordsClearWhatEarlierOnesSet() {
    assertEquals(MS_BIND | MS_REC, MountOptions.parse(List.of("ro", "rbind", "rw")).flags());
    assertEquals(MS_NOSUID, MountOptions.parse(List.of("suid", "nosuid")).flags());
    assertEquals(0, MountOptions.parse(List.of("nosuid", "suid")).flags());
  }

  @Test
  void propagationTypesAreFlags() {
    assertEquals(MS_PRIVATE | MS_REC, MountOptions.parse(List.of("rprivate")).flags());
    assertEquals(MS_PRIVATE, MountOptions.parse(List.of("private")).flags());
  }

  @Test
  void defaultsSetsNothingAndIsNoData() {
    MountOptions o = MountOptions.parse(List.of("defaults"));
    assertEquals(0, o.flags());
    assertEquals("", o.data());
  }
}
