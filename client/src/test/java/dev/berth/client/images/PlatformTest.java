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

  @Test
  void strictMatchingTakesContainerdsDefaultVariantsAndNoOtherVariant() {
    // containerd's platforms.OnlyStrict over Normalize: arm is arm/v7, arm64/v8 is arm64
    Platform arm = Platform.parse("linux/arm");
    assertTrue(arm.matchesStrictly(Platform.of("linux", "arm", "v7")));
    assertTrue(arm.matchesStrictly(Platform.of("linux", "arm", "")));
    assertFalse(arm.matchesStrictly(Platform.of("linux", "arm", "v6")));
    assertTrue(Platform.parse("linux/arm/v6").matchesStrictly(Platform.of("linux", "arm", "v6")));
    assertFalse(Platform.parse("linux/arm/v6").matchesStrictly(Platform.of("linux", "arm", "v7")));
    assertTrue(Platform.parse("linux/arm64").matchesStrictly(Platform.of("linux", "arm64", "v8")));
    assertTrue(Platform.parse("linux/arm64/v8").matchesStrictly(Platform.of("linux", "aarch64", "")));
    assertTrue(Platform.parse("linux/amd64").matchesStrictly(Platform.of("Linux", "x86_64", "v1")));
    assertFalse(Platform.parse("linux/amd64").matchesStrictly(Platform.of("linux", "amd64", "v2")));
    assertFalse(Platform.parse("linux/amd64").matchesStrictly(Platform.of("linux", "386", "")));
    assertEquals(Platform.of("linux", "arm", "v6"), Platform.of("linux", "armel", "").normalized());
  }

  @Test
  void specifiersReadAsContainerdReadsThemWithItsWordsForBadOnes() {
    assertEquals(Platform.of("linux", "arm", ""), Platform.parseSpecifier("linux/arm"));
    assertEquals(Platform.of("linux", "arm64", "v8"), Platform.parseSpecifier("linux/aarch64/8"));
    assertEquals(Platform.of("linux", "amd64", ""), Platform.parseSpecifier("Linux/x86_64"));
    assertEquals(Platform.of("linux", "arm", "v6"), Platform.parseSpecifier("linux/armel"));
    assertEquals(Platform.of("linux", Platform.current().architecture(), ""), Platform.parseSpecifier("linux"));
    assertEquals(Platform.of("linux", "s390x", ""), Platform.parseSpecifier("s390x"));
    assertEquals(new Platform("amd64", "windows", "10.0.17763", List.of(), ""),
        Platform.parseSpecifier("windows(10.0.17763)/amd64"));
    for (String[] bad : new String[][] {
        {"bogus///", "\"\" is an invalid component of \"bogus///\": platform specifier component must match"
            + " \"^[A-Za-z0-9_-]+$\": invalid argument"},
        {"lin ux/amd64", "\"lin ux\" is an invalid OS component of \"lin ux/amd64\": OSAndVersion specifier"
            + " component must match \"^([A-Za-z0-9_-]+)(?:\\\\(([A-Za-z0-9_.-]*)\\\\))?$\": invalid argument"},
        {"bogus", "\"bogus\": unknown operating system or architecture: invalid argument"},
        {"linux/amd64/v2/x", "\"linux/amd64/v2/x\": cannot parse platform specifier: invalid argument"},
        {"linux/*", "\"linux/*\": wildcards not yet supported: invalid argument"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Platform.parseSpecifier(bad[0]), bad[0]);
      assertEquals(bad[1], e.getMessage());
    }
  }
}
