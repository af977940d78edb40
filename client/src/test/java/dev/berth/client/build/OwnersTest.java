package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --chown's names, looked up in a root file system on plain directories. */
class OwnersTest {
  @TempDir
  Path rootfs;

  @Test
  void anAbsoluteEtcLinkIsTheImagesNotTheHosts(@TempDir Path host) throws Exception {
    Files.writeString(host.resolve("passwd"), "hostonly:x:4242:4242::/:/bin/sh\n");
    Files.createSymbolicLink(rootfs.resolve("etc"), host);
    assertThrows(BuildStepException.class, () -> Owners.of(rootfs, "hostonly:0"));
    Path imageEtc = rootfs.resolve(host.toString().substring(1));
    Files.createDirectories(imageEtc);
    Files.writeString(imageEtc.resolve("passwd"), "app:x:1000:1000::/:/bin/sh\n");
    assertArrayEquals(new int[] {1000, 0}, Owners.of(rootfs, "app:0"));
  }

  @Test
  void aUserAloneTakesTheGroupOfItsNameNotItsUid() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/passwd"), "app:x:1000:1000::/:/bin/sh\nlone:x:1001:1001::/:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "app:x:2000:\n");
    assertArrayEquals(new int[] {1000, 2000}, Owners.of(rootfs, "app"));
    assertArrayEquals(new int[] {7, 7}, Owners.of(rootfs, "7"));
    BuildStepException noGroup = assertThrows(BuildStepException.class, () -> Owners.of(rootfs, "lone"));
    assertEquals("unable to convert uid/gid chown string to host mapping: can't find gid for group lone: no such "
        + "group: lone", noGroup.getMessage());
    assertEquals("unable to convert uid/gid chown string to host mapping: invalid chown string format: a:b:c",
        assertThrows(BuildStepException.class, () -> Owners.of(rootfs, "a:b:c")).getMessage());
  }
}
