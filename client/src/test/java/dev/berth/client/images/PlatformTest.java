package dev.berth.client.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformTest {
  @Test
  void parsesWhatPeopleWrite() {
    assertEquals(Platform.of("linux", "amd64", ""), Platform.parse("linux/amd64"));
    assertEquals(Platform.of("linux", "amd64", ""), Platform.parse("Linux/x86_64"));
    assertEquals(Platform.of("linux", "arm64", "v8"), Platform.parse("linux/aarch64/v8"));
    assertEquals(Platform.current(), Platform.parse(""));
    for (String bad : List.of("amd64", "linux/", "linux/amd64/v8/x", "linux/amd 64", "../x")) {
      BerthException e = assertThrows(BerthException.class, () -> Platform.parse(bad), bad);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), bad);
    }
  }

  @Test
  void armsVariantV8IsNoVariant() {
    assertTrue(Platform.parse("linux/arm64").matches(Platform.parse("linux/arm64/v8")));
    assertFalse(Platform.parse("linux/arm/v7").matches(Platform.parse("linux/arm/v6")));
    assertFalse(Platform.parse("linux/amd64").matches(Platform.parse("linux/arm64")));
  }
}
