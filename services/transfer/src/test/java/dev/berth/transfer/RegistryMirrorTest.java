package dev.berth.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.transfer.v1.TransferDone;
import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code certs.d/HOST/hosts.toml} in containerd's format sends pulls of a registry's names to a
 * mirror (here the loopback registry standing in for registry.k8s.io, as on an offline node): the
 * image keeps the name it was asked for, and nothing is sent to the real host.
 */
class RegistryMirrorTest {
  @TempDir
  Path dir;

  @Test
  void pullsOfAMirroredRegistryGoToTheMirrorAndKeepTheirName() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    TestImage busybox = TestImages.busybox();
    try (LoopbackRegistry registry = LoopbackRegistry.start(dir.resolve("registry"));
        TransferRig pusher = new TransferRig(dir.resolve("pusher"));
        TransferRig node = new TransferRig(dir.resolve("node"))) {
      pusher.load(busybox);
      String digest = pusher.push(busybox.name(), registry.host() + "/e2e-test-images/busybox:1.29-2").done()
          .getDigest();
      hostsToml(node, "registry.k8s.io", """
          # pulls of registry.k8s.io go to the loopback mirror
          server = "https://registry.k8s.io"
          [host."http://%s"]
            capabilities = ["pull", "resolve"]
          """.formatted(registry.host()));

      TransferDone done = node.pull("registry.k8s.io/e2e-test-images/busybox:1.29-2").done();

      assertEquals(digest, done.getDigest());
      assertEquals("registry.k8s.io/e2e-test-images/busybox:1.29-2", done.getImage().getName());
      assertEquals(digest, node.client.images().find("registry.k8s.io/e2e-test-images/busybox:1.29-2")
          .orElseThrow().target().digest());
    }
  }

  @Test
  void aMalformedHostsFileIsAFailedPreconditionNamingIt() throws Exception {
    try (TransferRig node = new TransferRig(dir.resolve("node"))) {
      Path file = hostsToml(node, "registry.k8s.io", "server = [unterminated\n");

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> node.pull("registry.k8s.io/pause:3.6"));

      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains(file.toString()), e.getStatus().getDescription());
    }
  }

  private Path hostsToml(TransferRig rig, String host, String text) throws Exception {
    Path file = Files.createDirectories(rig.certsDir.resolve(host)).resolve("hosts.toml");
    Files.writeString(file, text);
    return file;
  }
}
