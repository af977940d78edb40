package dev.berth.client.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageNamesTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void normalizesAsDockerAndContainerdDo() {
    assertEquals("docker.io/library/busybox:latest", ImageNames.normalize("busybox"));
    assertEquals("docker.io/library/busybox:latest", ImageNames.normalize("busybox:latest"));
    assertEquals("docker.io/library/busybox:1.36", ImageNames.normalize("library/busybox:1.36"));
    assertEquals("docker.io/user/app:v1", ImageNames.normalize("user/app:v1"));
    assertEquals("docker.io/user/app:v1", ImageNames.normalize("index.docker.io/user/app:v1"));
    assertEquals("ghcr.io/org/app:latest", ImageNames.normalize("ghcr.io/org/app"));
    assertEquals("localhost:5000/app:2", ImageNames.normalize("localhost:5000/app:2"));
    assertEquals("localhost/app:latest", ImageNames.normalize("localhost/app"));
    assertEquals("docker.io/library/busybox@" + DIGEST, ImageNames.normalize("busybox:1.36@" + DIGEST));
    assertEquals("docker.io/library/busybox:latest", ImageNames.normalize("docker.io/library/busybox:latest"));
  }

  @Test
  void refusesNamesOutsideTheGrammar() {
    assertThrows(IllegalArgumentException.class, () -> ImageNames.normalize("BusyBox"));
    assertThrows(IllegalArgumentException.class, () -> ImageNames.normalize(""));
    assertThrows(IllegalArgumentException.class, () -> ImageNames.normalize("busybox:"));
    assertThrows(IllegalArgumentException.class, () -> ImageNames.normalize("busybox@sha256:zz"));
    assertThrows(IllegalArgumentException.class, () -> ImageNames.normalize("a//b"));
    assertFalse(ImageNames.isValid("two words"));
    assertTrue(ImageNames.isValid("busybox"));
  }

  @Test
  void takesWhatDockersReferenceParserTakes() {
    assertEquals("[::1]:5000/a:latest", ImageNames.normalize("[::1]:5000/a"));
    assertEquals("[fe80::1]/team/app:1", ImageNames.normalize("[fe80::1]/team/app:1"));
    // the 255-character limit is the path's alone, the host not counted
    String path = "team/" + "a".repeat(250);
    assertEquals("registry.example:5000/" + path + ":latest", ImageNames.normalize("registry.example:5000/" + path));
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> ImageNames.normalize("registry.example/" + path + "a"));
    assertEquals("repository name must not be more than 255 characters", tooLong.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageNames.normalize("[::1/a"));
  }

  @Test
  void familiarNamesDropDockerHubAndLibrary() {
    assertEquals("busybox:latest", ImageNames.familiar("docker.io/library/busybox:latest"));
    assertEquals("user/app:v1", ImageNames.familiar("docker.io/user/app:v1"));
    assertEquals("ghcr.io/org/app:latest", ImageNames.familiar("ghcr.io/org/app:latest"));
    assertEquals("import-2024-01-01:latest", ImageNames.familiar("import-2024-01-01:latest"),
        "a name that is not a full reference stays as it is");
    assertEquals("busybox@" + DIGEST, ImageNames.familiar("docker.io/library/busybox@" + DIGEST));
  }

  @Test
  void repositoryIsTheNameWithoutTagOrDigest() {
    assertEquals("docker.io/library/busybox", ImageNames.repository("docker.io/library/busybox:latest"));
    assertEquals("docker.io/library/busybox", ImageNames.repository("docker.io/library/busybox@" + DIGEST));
    assertEquals("localhost:5000/app", ImageNames.repository("localhost:5000/app:1"));
    assertEquals("localhost:5000/app", ImageNames.repository("localhost:5000/app"));
  }

  @Test
  void ociRefNameIsTheTagOrDigest() {
    assertEquals("latest", ImageNames.ociRefName("docker.io/library/busybox:latest"));
    assertEquals("@" + DIGEST, ImageNames.ociRefName("docker.io/library/busybox@" + DIGEST));
    assertEquals("localhost:5000/app", ImageNames.ociRefName("localhost:5000/app"));
  }
}
