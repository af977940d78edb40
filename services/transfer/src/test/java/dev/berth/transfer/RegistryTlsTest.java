package dev.berth.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.transfer.v1.PullRequest;
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
 * A loopback registry that speaks HTTPS only, with a certificate from its own CA: plain HTTP is
 * tried first (loopback is insecure), then HTTPS, trusted through {@code certs.d/HOST/ca.crt};
 * without that CA the certificate is refused.
 */
class RegistryTlsTest {
  @TempDir
  Path dir;

  @Test
  void theRegistrysOwnCaFromCertsDirIsTrustedAndNothingElse() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    TestImage busybox = TestImages.busybox();
    try (LoopbackRegistry registry = LoopbackRegistry.startWithTls(dir.resolve("registry"));
        TransferRig trusting = new TransferRig(dir.resolve("trusting"));
        TransferRig stranger = new TransferRig(dir.resolve("stranger"))) {
      Path ca = Files.createDirectories(dir.resolve("trusting/certs.d").resolve(registry.host())).resolve("ca.crt");
      Files.copy(registry.caCertificate(), ca);
      String ref = registry.host() + "/tls/busybox:1";
      trusting.load(busybox);
      String digest = trusting.push(busybox.name(), ref).done().getDigest();
      assertEquals(digest, trusting.pull(PullRequest.newBuilder().setReference(ref).build()).done().getDigest());

      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> stranger.pull(PullRequest.newBuilder().setReference(ref).build()));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
      assertTrue(refused.getStatus().getDescription().contains("TLS failed"), refused.getStatus().getDescription());
    }
  }
}
