package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.client.images.ImageConfig;
import dev.berth.client.testing.TestImages;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec built for the busybox image runs under the real runc on this kernel (as root) and the
 * container sees what was asked: the user resolved from the image's files, environment, hostname,
 * read-only root and bind mount, a tmpfs, memory and pids limits, runc's capability set.
 */
class SpecRuncKernelTest {
  private static final Path RUNC = Path.of("/usr/sbin/runc");
  /** CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP. */
  private static final String DEFAULT_CAPS_MASK = "00000000a80425fb";

  @TempDir
  Path dir;

  @Test
  void busyboxRunsWithTheSpecAsBuilt() throws Exception {
    assumeTrue(Files.isExecutable(RUNC) && TestImages.busyboxAvailable(), "needs runc and busybox-static");
    assumeTrue("root".equals(System.getProperty("user.name")), "runc needs root");

    Path rootfs = busyboxRootfs(dir.resolve("bundle/rootfs"));
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Files.writeString(shared.resolve("file"), "from the host\n");
    String id = "spec-" + ProcessHandle.current().pid();

    String script = String.join("; ",
        "id",
        "echo \"$GREETING\"",
        "hostname",
        "cat /data/file",
        "touch /data/x 2>/dev/null && echo data-writable || echo data-readonly",
        "touch /x 2>/dev/null && echo root-writable || echo root-readonly",
        "touch /scratch/x && echo scratch-writable",
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes",
        "cat /sys/fs/cgroup/pids/pids.max",
        "grep -E '^(CapBnd|NoNewPrivs)' /proc/self/status");
    Spec spec = SpecBuilder.create("berth-test", id)
        .image(ImageConfig.parse(TestImages.busybox().config()))
        .rootfsFiles(RootfsFiles.directory(rootfs))
        .args(List.of("sh", "-c", script))
        .user("nobody")
        .env(List.of("GREETING=hello"))
        .hostname("spec-test")
        .readOnlyRootfs(true)
        .mount(VolumeSpec.parse(shared + ":/data:ro"))
        .mount(TmpfsSpec.parse("/scratch"))
        .memory(ResourceFlags.memory("64m"))
        .pidsLimit(ResourceFlags.pidsLimit("32"))
        .noNewPrivileges(true)
        // one level, so runc delete leaves no cgroup behind
        .cgroupsPath("/berth-spec-test-" + id)
        .build();
    Files.write(dir.resolve("bundle/config.json"), SpecJson.toBytes(spec));

    Path state = Files.createDirectories(dir.resolve("runc-state"));
    try {
      Process runc = new ProcessBuilder(RUNC.toString(), "--root", state.toString(), "run", "--bundle",
          dir.resolve("bundle").toString(), id)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(dir.resolve("runc.out").toFile())
          .redirectError(dir.resolve("runc.err").toFile())
          .start();
      if (!runc.waitFor(30, TimeUnit.SECONDS)) {
        runc.destroyForcibly();
        fail("runc run did not finish in 30 s");
      }
      String out = Files.readString(dir.resolve("runc.out"));
      String err = Files.readString(dir.resolve("runc.err"));
      assertEquals(0, runc.exitValue(), "runc run failed: " + err + out);
      assertEquals(List.of(
          "uid=65534(nobody) gid=65534(nogroup) groups=50(staff)",
          "hello",
          "spec-test",
          "from the host",
          "data-readonly",
          "root-readonly",
          "scratch-writable",
          Long.toString(64L << 20),
          "32",
          "CapBnd:\t" + DEFAULT_CAPS_MASK,
          "NoNewPrivs:\t1"), out.lines().toList(), err);
    } finally {
      new ProcessBuilder(RUNC.toString(), "--root", state.toString(), "delete", "-f", id)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** /bin/busybox with the applets the script uses, and the image's users plus a group listing nobody. */
  private static Path busyboxRootfs(Path rootfs) throws IOException {
    Files.createDirectories(rootfs.resolve("bin"));
    Files.createDirectories(rootfs.resolve("etc"));
    Files.copy(TestImages.BUSYBOX_BINARY, rootfs.resolve("bin/busybox"));
    for (String applet : List.of("sh", "id", "echo", "hostname", "cat", "touch", "grep")) {
      Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Files.writeString(rootfs.resolve("etc/passwd"), TestImages.PASSWD);
    Files.writeString(rootfs.resolve("etc/group"), TestImages.GROUP + "staff:x:50:nobody\n");
    return rootfs;
  }
}
