package dev.berth.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import dev.berth.linux.MountSpec;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalDriverOptionsTest {
  @Test
  void typeDeviceAndOAreTheMount() {
    assertEquals(Optional.empty(), LocalDriverOptions.parse("v", Map.of()));
    LocalDriverOptions tmpfs = LocalDriverOptions.parse("v",
        Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=10m,uid=1000")).orElseThrow();
    assertEquals(new MountSpec("tmpfs", "tmpfs", List.of("size=10m", "uid=1000")), tmpfs.mount());
    assertEquals("mount -t tmpfs -o size=10m,uid=1000 tmpfs", tmpfs.describe());
    LocalDriverOptions bind = LocalDriverOptions.parse("v",
        Map.of("type", "none", "o", "bind", "device", "/srv/data")).orElseThrow();
    assertEquals(new MountSpec("none", "/srv/data", List.of("bind")), bind.mount());
  }

  @Test
  void whatTheLocalDriverCannotMountIsAnInvalidArgumentSayingWhy() {
    for (Map.Entry<Map<String, String>, String> refused : Map.of(
        Map.of("type", "tmpfs", "device", "tmpfs", "size", "10m"), "unknown driver option \"size\"",
        Map.of("type", "tmpfs"), "need both type and device",
        Map.of("o", "size=10m"), "need both type and device",
        Map.of("type", "none", "device", "/srv"), "type=none mounts nothing without o=bind",
        Map.of("type", "none", "o", "bind", "device", "srv"), "absolute host path").entrySet()) {
      BerthException e = assertThrows(BerthException.class, () -> LocalDriverOptions.parse("v", refused.getKey()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
      assertTrue(e.getMessage().startsWith("volume v: ") && e.getMessage().contains(refused.getValue()),
          e.getMessage());
    }
  }
}
