package dev.berth.api.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoTest {
  @Test
  void readsTheFieldsUnescapedAndSkipsOtherLines() {
    List<MountInfo> mounts = MountInfo.parse(List.of(
        "36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid shared:15 - cgroup cgroup rw,memory",
        "90 30 8:1 /data/with\\040space /mnt/a\\134b rw - ext4 /dev/sda1 rw,errors=remount-ro",
        "not a mountinfo line"));
    assertEquals(List.of(new MountInfo("/", Path.of("/sys/fs/cgroup/memory"), "cgroup", "rw,memory"),
        new MountInfo("/data/with space", Path.of("/mnt/a\\b"), "ext4", "rw,errors=remount-ro")), mounts);
  }
}
