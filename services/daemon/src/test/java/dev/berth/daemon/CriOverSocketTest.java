package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.transfer.v1.PushRequest;
import berth.transfer.v1.RegistryAuth;
import berth.transfer.v1.TransferGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.BerthClient;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.AuthConfig;
import runtime.v1.CgroupDriver;
import runtime.v1.FilesystemUsage;
import runtime.v1.ImageFilter;
import runtime.v1.ImageFsInfoRequest;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.ImageSpec;
import runtime.v1.ImageStatusRequest;
import runtime.v1.ImageStatusResponse;
import runtime.v1.ListImagesRequest;
import runtime.v1.PullImageRequest;
import runtime.v1.RemoveImageRequest;
import runtime.v1.NetworkConfig;
import runtime.v1.RuntimeCondition;
import runtime.v1.RuntimeConfig;
import runtime.v1.RuntimeConfigRequest;
import runtime.v1.RuntimeServiceGrpc;
import runtime.v1.StatusRequest;
import runtime.v1.StatusResponse;
import runtime.v1.UpdateRuntimeConfigRequest;
import runtime.v1.VersionRequest;
import runtime.v1.VersionResponse;

/**
 * Kubernetes' CRI on berthd, driven as crictl and the kubelet drive it: a client generated from
 * the runtime.v1 protos on {@code STATE/cri.sock} (and the front socket), images pulled from
 * Debian's docker-registry on 127.0.0.1 through the Transfer API into namespace k8s.io.
 */
class CriOverSocketTest {
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir static Path dir;
  private static final TestImage BUSYBOX = TestImages.busybox();
  /** The same layer with a numeric user, as the kubelet's runAsNonRoot check reads it. */
  private static final TestImage WITH_UID = TestImage.builder("docker.io/library/cri-uid:1")
      .layer(TestImages.busyboxLayer()).user("1002:100").build();

  private static ManagedChannel channel;
  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub runtimeApi;
  private static ImageServiceGrpc.ImageServiceBlockingStub images;

  @BeforeAll
  static void connect() {
    channel = Channels.unix(berthd.socket(ServiceGroups.CRI));
    runtimeApi = RuntimeServiceGrpc.newBlockingStub(channel);
    images = ImageServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void disconnect() {
    channel.shutdownNow();
  }

  private static ImageSpec spec(String image) {
    return ImageSpec.newBuilder().setImage(image).build();
  }

  private static ImageStatusResponse status(String image) {
    return images.imageStatus(ImageStatusRequest.newBuilder().setImage(spec(image)).setVerbose(true).build());
  }

  private static String pull(String image, AuthConfig auth) {
    return images.pullImage(PullImageRequest.newBuilder().setImage(spec(image)).setAuth(auth).build()).getImageRef();
  }

  private static Status.Code pullFails(String image, AuthConfig auth) {
    return assertThrows(StatusRuntimeException.class, () -> pull(image, auth)).getStatus().getCode();
  }

  @Test
  void runtimeReportsItsVersionReadinessAndCgroupDriverOnBothSockets() {
    VersionResponse version = runtimeApi.version(VersionRequest.newBuilder().setVersion("v1").build());
    assertEquals("berth", version.getRuntimeName());
    assertEquals("v1", version.getRuntimeApiVersion());
    assertEquals("0.1.0", version.getVersion());
    assertFalse(version.getRuntimeVersion().isEmpty());

    StatusResponse status = runtimeApi.status(StatusRequest.newBuilder().setVerbose(true).build());
    Map<String, RuntimeCondition> conditions = status.getStatus().getConditionsList().stream()
        .collect(Collectors.toMap(RuntimeCondition::getType, c -> c));
    assertEquals(List.of("NetworkReady", "RuntimeReady"), conditions.keySet().stream().sorted().toList());
    assertTrue(conditions.get("RuntimeReady").getStatus(), conditions.toString());
    assertTrue(conditions.get("NetworkReady").getStatus(), conditions.toString());
    assertTrue(status.getInfoOrThrow("config").contains("\"k8s.io\""), status.getInfoMap().toString());

    assertEquals(CgroupDriver.CGROUPFS,
        runtimeApi.runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver());

    ManagedChannel front = Channels.unix(berthd.socket());
    try {
      assertEquals("berth", RuntimeServiceGrpc.newBlockingStub(front).version(VersionRequest.getDefaultInstance())
          .getRuntimeName(), "the front socket serves the CRI too");
    } finally {
      front.shutdownNow();
    }
  }

  @Test
  void updateRuntimeConfigKeepsValidPodCidrsAndRefusesGarbage() {
    runtimeApi.updateRuntimeConfig(podCidr("10.244.7.0/24,fd00:10:244:7::/64"));
    assertTrue(runtimeApi.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoOrThrow("config")
        .contains("\"podCIDRs\":[\"10.244.7.0/24\",\"fd00:10:244:7::/64\"]"), "Status shows what was kept");
    StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class,
        () -> runtimeApi.updateRuntimeConfig(podCidr("not-a-cidr")));
    assertEquals(Status.Code.INVALID_ARGUMENT, garbage.getStatus().getCode());
    assertTrue(garbage.getStatus().getDescription().contains("not-a-cidr"), garbage.getStatus().toString());
    runtimeApi.updateRuntimeConfig(podCidr(""));
    assertTrue(runtimeApi.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoOrThrow("config")
        .contains("\"podCIDRs\":[\"10.244.7.0/24\","), "neither garbage nor an empty CIDR changes it");
  }

  private static UpdateRuntimeConfigRequest podCidr(String cidr) {
    return UpdateRuntimeConfigRequest.newBuilder().setRuntimeConfig(RuntimeConfig.newBuilder()
        .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(cidr))).build();
  }

  @Test
  void imagesArePulledListedStatedAndRemovedAsContainerdsCriDoes() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry and skopeo");
    try (LoopbackRegistry registry = LoopbackRegistry.start(dir.resolve("registry"))) {
      Path archive = BUSYBOX.writeOciArchive(dir.resolve("busybox.tar"));
      registry.pushOciArchive(archive, "cri/busybox:1");
      registry.pushOciArchive(archive, "cri/busybox:2");
      registry.pushOciArchive(WITH_UID.writeOciArchive(dir.resolve("uid.tar")), "cri/uid:1");
      String one = registry.reference("cri/busybox:1");
      String two = registry.reference("cri/busybox:2");
      String repoDigest = registry.host() + "/cri/busybox@" + registry.manifestDigest("cri/busybox", "1");

      // an image not here: an empty status and a removal that succeeds, not errors
      assertFalse(status(one).hasImage());
      images.removeImage(RemoveImageRequest.newBuilder().setImage(spec(one)).build());

      assertEquals(BUSYBOX.configDigest(), pull(one, AuthConfig.getDefaultInstance()), "the answer is the image id");
      assertEquals(BUSYBOX.configDigest(), pull(two, AuthConfig.getDefaultInstance()));
      assertEquals(WITH_UID.configDigest(), pull(registry.reference("cri/uid:1"), AuthConfig.getDefaultInstance()));

      List<runtime.v1.Image> listed = images.listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
      assertEquals(List.of(BUSYBOX.configDigest(), WITH_UID.configDigest()).stream().sorted().toList(),
          listed.stream().map(runtime.v1.Image::getId).sorted().toList(), "one entry per image id");
      runtime.v1.Image busybox = listed.stream().filter(i -> i.getId().equals(BUSYBOX.configDigest())).findFirst()
          .orElseThrow();
      assertEquals(List.of(one, two), busybox.getRepoTagsList());
      assertEquals(List.of(repoDigest), busybox.getRepoDigestsList());
      assertTrue(busybox.getSize() > BUSYBOX.layers().get(0).length / 4, "size counts the image's blobs");
      assertFalse(busybox.hasUid());
      runtime.v1.Image withUid = listed.stream().filter(i -> i.getId().equals(WITH_UID.configDigest())).findFirst()
          .orElseThrow();
      assertEquals(1002, withUid.getUid().getValue());
      assertEquals("", withUid.getUsername());
      assertEquals(List.of(busybox), images.listImages(ListImagesRequest.newBuilder()
          .setFilter(ImageFilter.newBuilder().setImage(spec(two))).build()).getImagesList());
      // a repository without a tag: each of its images
      assertEquals(List.of(busybox), images.listImages(ListImagesRequest.newBuilder()
          .setFilter(ImageFilter.newBuilder().setImage(spec(registry.host() + "/cri/busybox"))).build())
          .getImagesList());

      // every kind of reference finds it: tag, repo digest, id, short id
      String shortId = BUSYBOX.configDigest().substring("sha256:".length(), "sha256:".length() + 12);
      for (String ref : List.of(one, repoDigest, BUSYBOX.configDigest(), shortId)) {
        assertEquals(busybox, status(ref).getImage(), ref);
      }
      String info = status(one).getInfoOrThrow("info");
      assertTrue(info.contains("\"chainID\":\"" + BUSYBOX.topChainId() + "\""), info);
      assertTrue(info.contains("\"imageSpec\":{"), info);

      try (BerthClient k8s = BerthClient.connect(berthd.socket(), "k8s.io");
          BerthClient other = BerthClient.connect(berthd.socket(), "default")) {
        assertTrue(k8s.images().list().stream().map(Image::name).toList().containsAll(List.of(one, two)),
            "the records live in containerd's CRI namespace");
        assertTrue(other.images().list().stream().noneMatch(i -> i.name().equals(one)));
      }

      FilesystemUsage fs = images.imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystems(0);
      assertEquals(berthd.root().resolve("snapshots/overlayfs").toString(), fs.getFsId().getMountpoint());
      assertTrue(fs.getUsedBytes().getValue() > 0 && fs.getInodesUsed().getValue() > 0, fs.toString());
      assertTrue(fs.getTimestamp() > 0);

      assertEquals(Status.Code.INVALID_ARGUMENT, pullFails("Not A Reference", AuthConfig.getDefaultInstance()));
      assertEquals(Status.Code.NOT_FOUND, pullFails(registry.reference("cri/busybox:absent"),
          AuthConfig.getDefaultInstance()));

      // removing by one name removes the image under every name, as containerd's CRI does
      images.removeImage(RemoveImageRequest.newBuilder().setImage(spec(one)).build());
      assertFalse(status(two).hasImage());
      assertFalse(status(repoDigest).hasImage());
      assertEquals(List.of(WITH_UID.configDigest()), images.listImages(ListImagesRequest.getDefaultInstance())
          .getImagesList().stream().map(runtime.v1.Image::getId).toList());
    }
  }

  @Test
  void pullsUseTheRequestsCredentials() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry and skopeo");
    try (LoopbackRegistry registry = LoopbackRegistry.startWithBasicAuth(dir.resolve("auth-registry"), "kube",
        "s3cret")) {
      String ref = registry.reference("private/busybox:1");
      // skopeo has no credentials for it: pushed through berthd's Transfer API from another namespace
      try (BerthClient source = BerthClient.connect(berthd.socket(), "cri-test-source")) {
        source.images().importArchive(new ByteArrayInputStream(BUSYBOX.ociArchive()), ImportOptions.defaults());
        TransferGrpc.newBlockingStub(source.channel()).push(PushRequest.newBuilder().setImage(BUSYBOX.name())
            .setReference(ref).setAuth(RegistryAuth.newBuilder().setUsername("kube").setPassword("s3cret")).build())
            .forEachRemaining(progress -> { });
      }

      assertEquals(Status.Code.PERMISSION_DENIED, pullFails(ref, AuthConfig.getDefaultInstance()));
      assertEquals(Status.Code.PERMISSION_DENIED,
          pullFails(ref, AuthConfig.newBuilder().setUsername("kube").setPassword("wrong").build()));
      String auth = Base64.getEncoder().encodeToString("kube:s3cret".getBytes(StandardCharsets.UTF_8));
      assertEquals(BUSYBOX.configDigest(), pull(ref, AuthConfig.newBuilder().setAuth(auth).build()));
      images.removeImage(RemoveImageRequest.newBuilder().setImage(spec(ref)).build());
      assertFalse(status(ref).hasImage());
    }
  }
}
