package dev.berth.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.transfer.v1.BlobProgress;
import berth.transfer.v1.BlobState;
import berth.transfer.v1.PullRequest;
import berth.transfer.v1.PushRequest;
import berth.transfer.v1.RegistryAuth;
import berth.transfer.v1.TransferProgress;
import com.github.luben.zstd.Zstd;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ResolvedImage;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import dev.berth.transfer.registry.DistributionSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images pushed from one Berth to Debian's docker-registry on 127.0.0.1 and pulled back into
 * another with a fresh root, through the Transfer API, with the real content, snapshots
 * (overlayfs) and diff services behind it. Needs root, busybox-static and docker-registry.
 */
class RegistryRoundTripKernelTest {
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  @TempDir
  Path dir;
  private LoopbackRegistry registry;
  private TransferRig source;
  private TransferRig target;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(LoopbackRegistry.available() && TestImages.busyboxAvailable(), "needs docker-registry and busybox");
    registry = LoopbackRegistry.start(dir.resolve("registry"));
    source = new TransferRig(dir.resolve("source"));
    target = new TransferRig(dir.resolve("target"));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {target, source, registry}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void busyboxPushedAndPulledIntoAFreshRootIsByteIdenticalAndUnpacked() throws Exception {
    TestImage busybox = TestImages.busybox();
    source.load(busybox);
    String ref = registry.host() + "/test/busybox:1";

    TransferRig.Result pushed = source.push(busybox.name(), ref);
    Image local = source.client.images().resolve(busybox.name());
    assertEquals(local.target().digest(), pushed.done().getDigest());
    ResolvedImage content = source.client.images().content(local);
    for (Descriptor blob : blobsOf(content)) {
      assertTrue(pushed.reached(blob.digest(), BlobState.DONE), blob.digest() + " uploaded");
    }

    TransferRig.Result pulled = target.pull(ref);
    assertEquals(ref, pulled.done().getImage().getName());
    assertEquals(local.target().digest(), pulled.done().getImage().getTarget().getDigest(), "same manifest");
    for (Descriptor blob : blobsOf(content)) {
      assertArrayEquals(source.blob(blob.digest()), target.blob(blob.digest()), blob.digest());
      assertTrue(pulled.reached(blob.digest(), BlobState.DONE), blob.digest() + " fetched");
    }
    assertArrayEquals(source.blob(local.target().digest()), target.blob(local.target().digest()), "manifest bytes");
    assertTrue(target.hasSnapshot(busybox.topChainId()), "unpacked under its chain ID");
    assertTrue(pulled.reached(content.layers().get(0).digest(), BlobState.EXTRACTED));
    assertEquals(List.of(), target.ingests(), "no ingest left");

    TransferRig.Result again = target.pull(ref);
    for (Descriptor blob : blobsOf(content)) {
      // told once, as Docker's "Already exists": neither waiting first nor extracted after
      assertEquals(List.of(BlobState.ALREADY_PRESENT), again.of(blob.digest()).stream().map(BlobProgress::getState)
          .toList(), "a second pull fetches nothing: " + blob.digest());
    }

    // the same blobs into another repository of the registry: mounted, not uploaded again
    TransferRig.Result copied = source.push(busybox.name(), registry.host() + "/other/copy:2");
    for (Descriptor blob : blobsOf(content)) {
      assertTrue(copied.reached(blob.digest(), BlobState.ALREADY_PRESENT), blob.digest() + " mounted");
      assertTrue(copied.of(blob.digest()).stream().anyMatch(e -> e.getMountedFrom().equals("test/busybox")),
          blob.digest() + " said to be mounted from the repository pushed to first");
      assertFalse(copied.reached(blob.digest(), BlobState.TRANSFERRING));
    }
    assertEquals(local.target().digest(), target.pull(registry.host() + "/other/copy:2").done().getDigest());

    // by digest, from a registry that sends every request on to another address (as registries
    // send blobs to their storage): redirects are followed
    HttpServer redirector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    redirector.createContext("/v2/", exchange -> {
      exchange.getResponseHeaders().set("Location", "http://" + registry.host() + exchange.getRequestURI());
      exchange.sendResponseHeaders(307, -1);
      exchange.close();
    });
    redirector.start();
    try (TransferRig fresh = new TransferRig(dir.resolve("fresh"))) {
      String byDigest = "127.0.0.1:" + redirector.getAddress().getPort() + "/test/busybox@" + local.target().digest();
      TransferRig.Result redirected = fresh.pull(byDigest);
      assertEquals(byDigest, redirected.done().getImage().getName());
      for (Descriptor blob : blobsOf(content)) {
        assertArrayEquals(source.blob(blob.digest()), fresh.blob(blob.digest()), blob.digest());
      }
    } finally {
      redirector.stop(0);
    }
  }

  @Test
  void aPushMountsFromASourceLabelWithOrWithoutThePortAndWritesContainerdsKey() throws Exception {
    TestImage busybox = TestImages.busybox();
    source.load(busybox);
    source.push(busybox.name(), registry.host() + "/test/base:1");
    List<Descriptor> blobs = blobsOf(source.client.images().content(source.client.images().resolve(busybox.name())));
    String hostname = registry.host().substring(0, registry.host().lastIndexOf(':'));
    String containerdKey = "containerd.io/distribution.source." + hostname;
    // containerd's key, as ctr's pulls write it, and the one with the port Berth wrote before
    List<String> keys = List.of(containerdKey, "containerd.io/distribution.source." + registry.host());
    for (int n = 0; n < keys.size(); n++) {
      try (TransferRig labelled = new TransferRig(dir.resolve("labelled-" + n))) {
        labelled.load(busybox);
        for (Descriptor blob : blobs) {
          labelled.client.content().label(blob.digest(), Map.of(keys.get(n), "test/base"));
        }
        TransferRig.Result copied = labelled.push(busybox.name(), registry.host() + "/copy" + n + "/bb:1");
        for (Descriptor blob : blobs) {
          assertTrue(copied.of(blob.digest()).stream().anyMatch(e -> e.getMountedFrom().equals("test/base")),
              keys.get(n) + ": " + blob.digest() + " mounted from the repository its label names");
          assertFalse(copied.reached(blob.digest(), BlobState.TRANSFERRING), keys.get(n));
          assertEquals("test/base,copy" + n + "/bb",
              labelled.client.content().info(blob.digest()).orElseThrow().labels().get(containerdKey), keys.get(n));
        }
      }
    }
  }

  @Test
  void pullingABlobFromTwoRepositoriesOfARegistryLabelsItWithBoth() throws Exception {
    TestImage busybox = TestImages.busybox();
    source.load(busybox);
    source.push(busybox.name(), registry.host() + "/test/one:1");
    source.push(busybox.name(), registry.host() + "/test/two:1");
    Image local = source.client.images().resolve(busybox.name());
    List<Descriptor> blobs = blobsOf(source.client.images().content(local));
    blobs.add(local.target());
    String key = "containerd.io/distribution.source." + registry.host().substring(0, registry.host().lastIndexOf(':'));

    target.pull(registry.host() + "/test/one:1");
    target.pull(registry.host() + "/test/two:1");
    target.pull(registry.host() + "/test/one:1");

    for (Descriptor blob : blobs) {
      // appended, as containerd's pull does, not replaced by the last repository pulled from
      assertEquals("test/one,test/two", target.client.content().info(blob.digest()).orElseThrow().labels().get(key),
          blob.digest());
    }
    TransferRig.Result copied = target.push(registry.host() + "/test/two:1", registry.host() + "/other/copy:1");
    for (Descriptor blob : blobsOf(source.client.images().content(local))) {
      assertFalse(copied.reached(blob.digest(), BlobState.TRANSFERRING), blob.digest() + " mounted, not uploaded");
    }
  }

  @Test
  void fiveLayersComeDownConcurrentlyAndUnpackInOrder() throws Exception {
    TestImage.Builder builder = TestImage.builder("five-layers").layer(TestImages.busyboxLayer());
    for (int i = 1; i <= 4; i++) {
      builder.layer(new TestLayer().dir("layer" + i, 0755).file("layer" + i + "/file", "layer " + i + "\n"));
    }
    TestImage five = builder.build();
    source.load(five);
    String ref = registry.host() + "/test/five:latest";
    source.push(five.name(), ref);

    TransferRig.Result pulled = target.pull(PullRequest.newBuilder().setReference(ref).setUnpack(true)
        .setMaxConcurrentDownloads(3).build());
    for (String chainId : five.chainIds()) {
      assertTrue(target.hasSnapshot(chainId), chainId);
    }
    ResolvedImage content = target.client.images().content(target.client.images().resolve(ref));
    assertEquals(5, content.layers().size());
    for (Descriptor layer : content.layers()) {
      assertArrayEquals(source.blob(layer.digest()), target.blob(layer.digest()));
      List<BlobState> states = pulled.of(layer.digest()).stream().map(BlobProgress::getState).distinct().toList();
      assertEquals(List.of(BlobState.WAITING, BlobState.TRANSFERRING, BlobState.VERIFYING, BlobState.DONE,
          BlobState.EXTRACTING, BlobState.EXTRACTED), states, layer.digest());
    }
  }

  @Test
  void multiPlatformIndexGivesThePlatformAskedForOrAllOfThem() throws Exception {
    TestImage busybox = TestImages.busybox();
    String repo = "multi/busybox";
    // linux/<this> is the busybox image with a zstd layer; linux/arm64 (or amd64 on arm) a stub
    byte[] zstdLayer = Zstd.compress(busybox.layers().get(0));
    String here = dev.berth.client.images.Platform.current().architecture();
    String other = here.equals("amd64") ? "arm64" : "amd64";
    byte[] hereManifest = manifest(repo, busybox.config(), "application/vnd.oci.image.layer.v1.tar+zstd", zstdLayer);
    byte[] otherConfig = ("{\"architecture\":\"" + other + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + LoopbackRegistry.sha256(busybox.layers().get(0)) + "\"]}}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] otherManifest = manifest(repo, otherConfig, "application/vnd.oci.image.layer.v1.tar", busybox.layers().get(0));
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
        + entry(registry.plantManifest(repo, null, hereManifest), hereManifest.length, here) + ","
        + entry(registry.plantManifest(repo, null, otherManifest), otherManifest.length, other) + "]}";
    String indexDigest = registry.plantManifest(repo, "1", index.getBytes(StandardCharsets.UTF_8));
    String ref = registry.host() + "/" + repo + ":1";

    TransferRig.Result pulled = target.pull(ref);
    assertEquals(indexDigest, pulled.done().getImage().getTarget().getDigest(), "the record names the index");
    assertTrue(target.hasSnapshot(busybox.topChainId()), "this platform's zstd layer unpacked");
    assertFalse(target.hasBlob(LoopbackRegistry.sha256(otherManifest)), "the other platform is not fetched");

    StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> target.pull(
        PullRequest.newBuilder().setReference(ref).setPlatform("linux/s390x").build()));
    assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());
    assertEquals("no matching manifest for linux/s390x in the manifest list entries: " + ref + " has linux/" + here
        + ", linux/" + other,
        none.getStatus().getDescription());

    TransferRig.Result all = source.pull(PullRequest.newBuilder().setReference(ref).setAllPlatforms(true).build());
    assertTrue(source.hasBlob(LoopbackRegistry.sha256(otherManifest)) && source.hasBlob(LoopbackRegistry.sha256(
        busybox.layers().get(0))), "every platform's blobs");
    assertEquals(indexDigest, all.done().getDigest());
    TransferRig.Result pushed = source.push(PushRequest.newBuilder().setImage(ref)
        .setReference(registry.host() + "/multi/copy:1").setAllPlatforms(true).build());
    assertEquals(indexDigest, pushed.done().getDigest(), "the index itself, byte for byte");
    assertEquals(indexDigest, target.pull(registry.host() + "/multi/copy:1").done().getDigest());

    // an index listing that index (no platform of its own) is walked down to this platform's manifest
    byte[] outer = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[{\"mediaType\":\""
        + OCI_INDEX + "\",\"digest\":\"" + indexDigest + "\",\"size\":" + index.length() + "}]}")
        .getBytes(StandardCharsets.UTF_8);
    String outerDigest = registry.plantManifest(repo, "nested", outer);
    try (TransferRig fresh = new TransferRig(dir.resolve("nested"))) {
      TransferRig.Result nested = fresh.pull(registry.host() + "/" + repo + ":nested");
      assertEquals(outerDigest, nested.done().getImage().getTarget().getDigest());
      assertTrue(fresh.hasBlob(outerDigest) && fresh.hasBlob(indexDigest), "both indexes stored");
      assertTrue(fresh.hasSnapshot(busybox.topChainId()), "the platform's manifest found and unpacked");
      assertFalse(fresh.hasBlob(LoopbackRegistry.sha256(otherManifest)), "the other platform is not fetched");
      StatusRuntimeException nowhere = assertThrows(StatusRuntimeException.class, () -> fresh.pull(
          PullRequest.newBuilder().setReference(registry.host() + "/" + repo + ":nested").setPlatform("linux/s390x")
              .build()));
      assertEquals(Status.Code.NOT_FOUND, nowhere.getStatus().getCode());
    }
  }

  @Test
  void aPushSendsTheWholeIndexWhenItIsHereElseThisPlatformsManifestAsDocker27() throws Exception {
    String repo = "partial/busybox";
    TwoPlatforms planted = plantTwoPlatforms(repo, "not this platform's layer".getBytes(StandardCharsets.UTF_8));
    String here = planted.here();
    String other = planted.other();
    byte[] hereManifest = planted.hereManifest();
    byte[] otherManifest = planted.otherManifest();
    String hereDigest = planted.hereDigest();
    String otherDigest = planted.otherDigest();
    String indexDigest = planted.indexDigest();
    String ref = registry.host() + "/" + repo + ":1";

    // pulled for this platform only: the other's manifest is not here, so this platform's goes, as
    // Docker 27's daemon narrows the push and tells its CLI which index it left behind
    target.pull(ref);
    TransferRig.Result narrowed = target.push(ref, registry.host() + "/partial/one:1");
    assertEquals(hereDigest, narrowed.done().getDigest());
    assertEquals(indexDigest, narrowed.done().getReplacedIndex());
    assertEquals(hereManifest.length, narrowed.done().getSize());
    assertArrayEquals(hereManifest, registry.manifest("partial/one", "1"));

    // the whole index or nothing: refused for the manifest that is not here, said first as an event
    List<TransferProgress> said = new ArrayList<>();
    StatusRuntimeException whole = assertThrows(StatusRuntimeException.class, () -> target.transfer.push(
        PushRequest.newBuilder().setImage(ref).setReference(registry.host() + "/partial/whole:1")
            .setAllPlatforms(true).build()).forEachRemaining(said::add));
    assertEquals(Status.Code.NOT_FOUND, whole.getStatus().getCode());
    assertEquals("content digest " + otherDigest + ": not found", whole.getStatus().getDescription());
    assertEquals(indexDigest, said.get(said.size() - 1).getContentMissing().getDigest(), said::toString);

    // a platform asked for: its manifest alone, as it is, or NOT_FOUND in Docker's daemon's words
    TransferRig.Result asked = target.push(PushRequest.newBuilder().setImage(ref)
        .setReference(registry.host() + "/partial/asked:1").setPlatform("linux/" + here).build());
    assertEquals(hereDigest, asked.done().getDigest());
    assertEquals("", asked.done().getReplacedIndex(), "asked for, not chosen for lack of the others");
    StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> target.push(PushRequest
        .newBuilder().setImage(ref).setReference(registry.host() + "/partial/asked:2").setPlatform("linux/" + other)
        .build()));
    assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());
    assertEquals("no suitable image manifest found for platform linux/" + other, none.getStatus().getDescription());

    // every platform here: the index goes whole, without being asked to
    source.pull(PullRequest.newBuilder().setReference(ref).setAllPlatforms(true).build());
    TransferRig.Result all = source.push(ref, registry.host() + "/partial/all:1");
    assertEquals(indexDigest, all.done().getDigest());
    assertEquals("", all.done().getReplacedIndex());
    assertArrayEquals(otherManifest, registry.manifest("partial/all", otherDigest));
  }

  @Test
  void aPushAsksTheRegistryForTheBlobsNotHereBeforeNarrowingAsContainerdsPusher() throws Exception {
    String repo = "meta/busybox";
    byte[] otherLayer = "the other platform's layer".getBytes(StandardCharsets.UTF_8);
    TwoPlatforms planted = plantTwoPlatforms(repo, otherLayer);
    String hereDigest = planted.hereDigest();
    String indexDigest = planted.indexDigest();
    String ref = registry.host() + "/" + repo + ":1";
    String otherLayerDigest = LoopbackRegistry.sha256(otherLayer);

    // every manifest and config here, the other platform's layer not (ctr pull --all-metadata, or
    // ctr content rm of it): the registry has it, so nothing stands in the index's way
    source.pull(PullRequest.newBuilder().setReference(ref).setAllPlatforms(true).build());
    new GrpcContentStore(source.client.channel()).delete(TransferRig.NAMESPACE, otherLayerDigest);
    TransferRig.Result back = source.push(ref, ref);
    assertEquals(indexDigest, back.done().getDigest(), "the index whole, not one platform's manifest");
    assertEquals("", back.done().getReplacedIndex());
    assertTrue(back.reached(otherLayerDigest, BlobState.ALREADY_PRESENT), back.events()::toString);
    assertEquals(indexDigest, registry.manifestDigest(repo, "1"), "the tag still names the index");
    TransferRig.Result whole = source.push(PushRequest.newBuilder().setImage(ref).setReference(ref)
        .setAllPlatforms(true).build());
    assertEquals(indexDigest, whole.done().getDigest(), "the whole index, as --all-platforms asks");

    // another repository of the registry: mounted from the one the pull labelled the index with
    TransferRig.Result copied = source.push(ref, registry.host() + "/meta/copy:1");
    assertEquals(indexDigest, copied.done().getDigest());
    assertTrue(copied.of(otherLayerDigest).stream().anyMatch(e -> e.getState() == BlobState.ALREADY_PRESENT
        && e.getMountedFrom().equals(repo)), copied.events()::toString);
    assertArrayEquals(otherLayer, registry.blob("meta/copy", otherLayerDigest));

    // a registry that has none of it: the index cannot go, so this platform's manifest does (Docker
    // 27's daemon), or, asked for the index or nothing, NOT_FOUND naming the layer after the event
    try (LoopbackRegistry elsewhere = LoopbackRegistry.start(dir.resolve("elsewhere"))) {
      String far = elsewhere.host() + "/meta/far:1";
      TransferRig.Result narrowed = source.push(ref, far);
      assertEquals(hereDigest, narrowed.done().getDigest());
      assertEquals(indexDigest, narrowed.done().getReplacedIndex());
      List<TransferProgress> said = new ArrayList<>();
      StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> source.transfer.push(
          PushRequest.newBuilder().setImage(ref).setReference(far).setAllPlatforms(true).build())
          .forEachRemaining(said::add));
      assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
      assertEquals("content digest " + otherLayerDigest + ": not found", missing.getStatus().getDescription());
      assertEquals(indexDigest, said.get(said.size() - 1).getContentMissing().getDigest(), said::toString);
      assertEquals(hereDigest, elsewhere.manifestDigest("meta/far", "1"), "the tag left as the narrowed push set it");
    }
  }

  @Test
  void anUploadARefusedMountOpensCarriesTheBlobOrIsCancelledWhenTheBlobIsNotHere() throws Exception {
    TestImage busybox = TestImages.busybox();
    source.load(busybox);
    source.push(busybox.name(), registry.host() + "/mount/first:1");
    Image local = source.client.images().resolve(busybox.name());
    String layer = source.client.images().content(local).layers().get(0).digest();
    Blobs here = new Blobs(new GrpcContentStore(source.client.channel()), TransferRig.NAMESPACE, null);
    // the manifest names a repository of the registry that holds none of its blobs: every mount refused
    here.label(local.target().digest(), Map.of(DistributionSource.key(registry.host()), "mount/nowhere"));
    new GrpcContentStore(source.client.channel()).delete(TransferRig.NAMESPACE, layer);

    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
        () -> source.push(busybox.name(), registry.host() + "/mount/second:1"));
    assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    assertEquals("content digest " + layer + ": not found", missing.getStatus().getDescription());
    assertEquals(List.of(), registry.openUploads("mount/second"),
        "the upload the refused mount opened for the layer not here is cancelled");

    // the layer here again: it goes up through the upload the refused mount opened, as containerd's pusher sends it
    source.load(busybox);
    TransferRig.Result pushed = source.push(busybox.name(), registry.host() + "/mount/second:1");
    assertTrue(pushed.reached(layer, BlobState.DONE), pushed.events()::toString);
    assertEquals(List.of(), registry.openUploads("mount/second"));
    assertArrayEquals(source.blob(layer), registry.blob("mount/second", layer));
  }

  @Test
  void aCancelATokenRegistryRefusesForWantOfTheDeleteRightLeavesTheUploadAndThePushGoesOn() throws Exception {
    RegistryAuth user = RegistryAuth.newBuilder().setUsername("berth-user").setPassword("s3cret").build();
    try (LoopbackRegistry tokens = LoopbackRegistry.startWithTokenAuth(dir.resolve("tokens"), "berth-user", "s3cret")) {
      String repo = "meta/busybox";
      byte[] otherLayer = "the other platform's layer".getBytes(StandardCharsets.UTF_8);
      TwoPlatforms planted = plantTwoPlatforms(tokens, repo, otherLayer);
      String ref = tokens.host() + "/" + repo + ":1";
      source.pull(PullRequest.newBuilder().setReference(ref).setAllPlatforms(true).setAuth(user).build());
      String otherLayerDigest = LoopbackRegistry.sha256(otherLayer);
      new GrpcContentStore(source.client.channel()).delete(TransferRig.NAMESPACE, otherLayerDigest);
      // the index names a repository that holds none of its blobs: the mount of the layer not here
      // is refused, and the upload it opened is not the push token's (pull,push) to cancel
      new Blobs(new GrpcContentStore(source.client.channel()), TransferRig.NAMESPACE, null).label(
          planted.indexDigest(), Map.of(DistributionSource.key(tokens.host()), "mount/nowhere"));

      TransferRig.Result narrowed = source.push(PushRequest.newBuilder().setImage(ref)
          .setReference(tokens.host() + "/meta/copy:1").setAuth(user).build());
      assertEquals(planted.hereDigest(), narrowed.done().getDigest(), "this platform's manifest, as Docker 27's");
      assertEquals(planted.indexDigest(), narrowed.done().getReplacedIndex());
      assertEquals(1, tokens.openUploads("meta/copy").size(), "the upload the refused cancel left to expire");
    }
  }

  @Test
  void aPlatformAskedForIsMatchedStrictlyWithContainerdsDefaultVariants() throws Exception {
    String repo = "arm/busybox";
    StringBuilder entries = new StringBuilder();
    Map<String, String> manifests = new java.util.LinkedHashMap<>();
    for (String variant : List.of("v6", "v7")) {
      byte[] config = ("{\"architecture\":\"arm\",\"variant\":\"" + variant + "\",\"os\":\"linux\",\"rootfs\":"
          + "{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
      byte[] manifest = manifest(repo, config, "application/vnd.oci.image.layer.v1.tar",
          ("arm/" + variant + "'s layer").getBytes(StandardCharsets.UTF_8));
      String digest = registry.plantManifest(repo, null, manifest);
      manifests.put(variant, digest);
      entries.append(entries.length() == 0 ? "" : ",").append("{\"mediaType\":\"").append(OCI_MANIFEST)
          .append("\",\"digest\":\"").append(digest).append("\",\"size\":").append(manifest.length)
          .append(",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"").append(variant)
          .append("\"}}");
    }
    registry.plantManifest(repo, "1", ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
        + entries + "]}").getBytes(StandardCharsets.UTF_8));
    String ref = registry.host() + "/" + repo + ":1";
    source.pull(PullRequest.newBuilder().setReference(ref).setAllPlatforms(true).build());

    // containerd's platforms.OnlyStrict: linux/arm is arm/v7, and arm/v6 is not it
    Map<String, String> asked = Map.of("linux/arm", "v7", "linux/arm/7", "v7", "linux/arm/v6", "v6");
    for (Map.Entry<String, String> a : asked.entrySet()) {
      TransferRig.Result pushed = source.push(PushRequest.newBuilder().setImage(ref)
          .setReference(registry.host() + "/arm/one:1").setPlatform(a.getKey()).build());
      assertEquals(manifests.get(a.getValue()), pushed.done().getDigest(), a.getKey());
    }
    StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> source.push(PushRequest
        .newBuilder().setImage(ref).setReference(registry.host() + "/arm/one:2").setPlatform("linux/arm/v5").build()));
    assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());
    assertEquals("no suitable image manifest found for platform linux/arm/v5", none.getStatus().getDescription());

    // one platform's manifest or the whole image: not both
    StatusRuntimeException both = assertThrows(StatusRuntimeException.class, () -> source.push(PushRequest
        .newBuilder().setImage(ref).setReference(registry.host() + "/arm/one:3").setPlatform("linux/arm")
        .setAllPlatforms(true).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, both.getStatus().getCode(), both.getStatus()::toString);
  }

  @Test
  void foreignLayersAreNeitherFetchedNorPushed() throws Exception {
    TestImage busybox = TestImages.busybox();
    String repo = "foreign/busybox";
    byte[] layer = busybox.layers().get(0);
    String layerDigest = registry.plantBlob(repo, layer);
    // the vendor's layer is on no registry at all: only its URL is
    String foreignDigest = LoopbackRegistry.sha256("a layer only its vendor distributes".getBytes(StandardCharsets.UTF_8));
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + registry.plantBlob(repo, busybox.config())
        + "\",\"size\":" + busybox.config().length + "},\"layers\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip\",\"digest\":\"" + foreignDigest
        + "\",\"size\":35,\"urls\":[\"https://vendor.invalid/layer.tar.gz\"]},{\"mediaType\":"
        + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length
        + "}]}").getBytes(StandardCharsets.UTF_8);
    String manifestDigest = registry.plantManifest(repo, "1", manifest);
    String ref = registry.host() + "/" + repo + ":1";

    TransferRig.Result pulled = source.pull(PullRequest.newBuilder().setReference(ref).build());
    assertEquals(manifestDigest, pulled.done().getDigest());
    assertTrue(source.hasBlob(layerDigest) && source.hasBlob(manifestDigest), "the distributable content");
    assertFalse(source.hasBlob(foreignDigest), "the foreign layer is not fetched");
    assertTrue(pulled.events().stream().noneMatch(e -> e.getDigest().equals(foreignDigest)), pulled.events()::toString);

    String copy = registry.host() + "/foreign/copy:1";
    TransferRig.Result pushed = source.push(ref, copy);
    assertEquals(manifestDigest, pushed.done().getDigest(), "the manifest as it was, the foreign layer listed");
    assertArrayEquals(manifest, registry.manifest("foreign/copy", "1"));
    assertArrayEquals(layer, registry.blob("foreign/copy", layerDigest));
    assertTrue(pushed.events().stream().noneMatch(e -> e.getDigest().equals(foreignDigest)), pushed.events()::toString);
    assertThrows(IllegalStateException.class, () -> registry.blob("foreign/copy", foreignDigest),
        "the foreign layer is not uploaded");
  }

  @Test
  void badManifestsAndBlobsAreRefusedWithClearErrors() throws Exception {
    TestImage busybox = TestImages.busybox();
    source.load(busybox);
    String ref = registry.host() + "/test/busybox:1";
    source.push(busybox.name(), ref);

    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
        () -> target.pull(registry.host() + "/test/busybox:nosuchtag"));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    // Docker's daemon's words, with the registry's code and message as its errcode prints them
    assertEquals("manifest for " + registry.host() + "/test/busybox:nosuchtag not found: manifest unknown: manifest"
        + " unknown", unknown.getStatus().getDescription());

    // distribution itself will not serve a manifest over 4 MiB: a server on 127.0.0.1 that does
    byte[] huge = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"annotations\":{\"padding\":\""
        + "x".repeat(4 << 20) + "\"}}").getBytes(StandardCharsets.UTF_8);
    HttpServer oversize = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    oversize.createContext("/v2/", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", OCI_MANIFEST);
      exchange.sendResponseHeaders(200, huge.length);
      exchange.getResponseBody().write(huge);
      exchange.close();
    });
    oversize.start();
    try {
      StatusRuntimeException tooBig = assertThrows(StatusRuntimeException.class,
          () -> target.pull("127.0.0.1:" + oversize.getAddress().getPort() + "/bad/huge:1"));
      assertEquals(Status.Code.FAILED_PRECONDITION, tooBig.getStatus().getCode(), tooBig.getStatus().getDescription());
      assertTrue(tooBig.getStatus().getDescription().contains("more than the 4194304 bytes a manifest may have"),
          tooBig.getStatus().getDescription());
    } finally {
      oversize.stop(0);
    }

    StringBuilder layers = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
          .append(LoopbackRegistry.sha256(Integer.toString(i).getBytes(StandardCharsets.UTF_8))).append("\",\"size\":1}");
    }
    registry.plantManifest("bad/deep", "1", ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
        + busybox.configDigest() + "\",\"size\":" + busybox.config().length + "},\"layers\":[" + layers + "]}")
        .getBytes(StandardCharsets.UTF_8));
    StatusRuntimeException deep = assertThrows(StatusRuntimeException.class,
        () -> target.pull(registry.host() + "/bad/deep:1"));
    assertEquals(Status.Code.FAILED_PRECONDITION, deep.getStatus().getCode());
    assertTrue(deep.getStatus().getDescription().contains("lists 10000 layers, more than the 128"),
        deep.getStatus().getDescription());

    ResolvedImage content = source.client.images().content(source.client.images().resolve(busybox.name()));
    String layer = content.layers().get(0).digest();

    // a manifest naming blobs of another repository: the registry serves them to that one only
    registry.plantManifest("bad/outside", "1", source.blob(source.client.images().resolve(busybox.name())
        .target().digest()));
    StatusRuntimeException outside = assertThrows(StatusRuntimeException.class,
        () -> target.pull(registry.host() + "/bad/outside:1"));
    assertEquals(Status.Code.NOT_FOUND, outside.getStatus().getCode());
    assertTrue(outside.getStatus().getDescription().matches("blob sha256:[0-9a-f]{64} is not in " + registry.host()
        + "/bad/outside"), outside.getStatus().getDescription());

    // a layer whose bytes on the registry's disk are no longer what its digest says
    Path file = registry.blobFile(layer);
    byte[] corrupt = Files.readAllBytes(file);
    corrupt[corrupt.length / 2] ^= 0x55;
    Files.write(file, corrupt);
    StatusRuntimeException lost = assertThrows(StatusRuntimeException.class, () -> target.pull(ref));
    assertEquals(Status.Code.DATA_LOSS, lost.getStatus().getCode());
    assertTrue(lost.getStatus().getDescription().contains(layer + " from " + registry.host()
        + "/test/busybox does not match its digest"), lost.getStatus().getDescription());
    assertFalse(target.hasBlob(layer), "nothing of the blob committed");
    assertTrue(target.ingests().stream().noneMatch(s -> s.getRef().equals(layer)), "nor left as an ingest");
    assertTrue(target.client.images().find(ref).isEmpty(), "no image record");

    int port = LoopbackRegistry.closedPort();
    StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
        () -> target.pull("127.0.0.1:" + port + "/test/busybox:1"));
    assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode());
    assertTrue(down.getStatus().getDescription().contains("127.0.0.1:" + port), down.getStatus().getDescription());
  }

  @Test
  void aPullStoppedMidLayerResumesFromWhereItStopped() throws Exception {
    byte[] big = new byte[64 << 20];
    new Random(12).nextBytes(big);
    String repo = "test/big";
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    registry.plantManifest(repo, "1", manifest(repo, config, "application/vnd.oci.image.layer.v1.tar", big));
    String layer = LoopbackRegistry.sha256(big);
    PullRequest request = PullRequest.newBuilder().setReference(registry.host() + "/" + repo + ":1").build();

    List<BlobProgress> first = target.pullUntil(request, e -> e.getDigest().equals(layer)
        && e.getState() == BlobState.TRANSFERRING && e.getOffset() >= (2 << 20));
    assertTrue(first.stream().anyMatch(e -> e.getDigest().equals(layer) && e.getOffset() >= (2 << 20)));
    long kept = awaitIngest(layer);
    assertTrue(kept > 0 && kept < big.length, "the stopped pull left its ingest at " + kept);

    TransferRig.Result resumed = target.pull(request);
    BlobProgress start = resumed.of(layer).stream().filter(e -> e.getState() == BlobState.TRANSFERRING)
        .findFirst().orElseThrow();
    assertTrue(start.getOffset() >= kept, "resumed at " + start.getOffset() + ", the ingest held " + kept);
    assertArrayEquals(big, target.blob(layer));

    // to another registry (nothing to mount from there) 64 MiB goes up in chunks, and comes back the same
    try (LoopbackRegistry other = LoopbackRegistry.start(dir.resolve("other-registry"))) {
      String copy = other.host() + "/test/big-copy:1";
      TransferRig.Result pushed = target.push(PushRequest.newBuilder().setImage(request.getReference())
          .setReference(copy).build());
      assertTrue(pushed.of(layer).stream().filter(e -> e.getState() == BlobState.TRANSFERRING).count() > 2,
          "progress after each chunk: " + pushed.of(layer));
      source.pull(PullRequest.newBuilder().setReference(copy).build());
      assertArrayEquals(big, source.blob(layer));
    }
  }

  @Test
  void aLayerCutOffMidwayLeavesNoBlobNoSnapshotAndAnIngestTheNextPullResumes() throws Exception {
    byte[] data = new byte[8 << 20];
    new Random(7).nextBytes(data);
    byte[] layer = new TestLayer().dir("data", 0755).file("data/random", data, 0644).tar();
    String layerDigest = LoopbackRegistry.sha256(layer);
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
    String configDigest = LoopbackRegistry.sha256(config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
        + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest
        + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    // the first answer for the layer declares all of it and breaks off halfway; later ones serve ranges
    AtomicInteger layerRequests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v2/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      byte[] body = path.endsWith("/manifests/1") ? manifest : path.endsWith(configDigest) ? config
          : path.endsWith(layerDigest) ? layer : null;
      if (body == null) {
        exchange.sendResponseHeaders(path.equals("/v2/") ? 200 : 404, -1);
        exchange.close();
        return;
      }
      if (body == manifest) {
        exchange.getResponseHeaders().set("Content-Type", OCI_MANIFEST);
      }
      if (body == layer && layerRequests.incrementAndGet() == 1) {
        exchange.sendResponseHeaders(200, layer.length);
        exchange.getResponseBody().write(layer, 0, layer.length / 2);
        exchange.getResponseBody().flush();
        exchange.close(); // fewer bytes than declared: the connection is cut
        return;
      }
      String range = exchange.getRequestHeaders().getFirst("Range");
      int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
      exchange.sendResponseHeaders(from > 0 ? 206 : 200, body.length - from);
      exchange.getResponseBody().write(body, from, body.length - from);
      exchange.close();
    });
    server.start();
    try {
      String ref = "127.0.0.1:" + server.getAddress().getPort() + "/test/cut:1";
      PullRequest request = PullRequest.newBuilder().setReference(ref).setUnpack(true).build();

      StatusRuntimeException cut = assertThrows(StatusRuntimeException.class, () -> target.pull(request));
      assertEquals(Status.Code.UNAVAILABLE, cut.getStatus().getCode(), cut.getStatus().getDescription());
      assertFalse(target.hasBlob(layerDigest), "nothing of the cut layer committed");
      assertFalse(target.hasSnapshot(layerDigest), "no snapshot of it");
      assertTrue(target.client.images().find(ref).isEmpty(), "no image record");
      long kept = awaitIngest(layerDigest);
      assertTrue(kept > 0 && kept <= layer.length / 2, "the cut layer's ingest holds what came: " + kept);

      TransferRig.Result resumed = target.pull(request);
      BlobProgress start = resumed.of(layerDigest).stream().filter(e -> e.getState() == BlobState.TRANSFERRING)
          .findFirst().orElseThrow();
      assertEquals(kept, start.getOffset(), "resumed where the cut left it");
      assertArrayEquals(layer, target.blob(layerDigest));
      assertTrue(target.hasSnapshot(layerDigest), "unpacked once whole");
      assertEquals(2, layerRequests.get());
    } finally {
      server.stop(0);
    }
  }

  /** The offset of the ingest once the stopped pull has let go of it (its last writes may still land). */
  private long awaitIngest(String ref) throws InterruptedException {
    long offset = -1;
    for (int i = 0; i < 100; i++) {
      List<Long> offsets = new ArrayList<>();
      target.ingests().stream().filter(s -> s.getRef().equals(ref)).forEach(s -> offsets.add(s.getOffset()));
      if (!offsets.isEmpty() && offsets.get(0) == offset) {
        return offset;
      }
      offset = offsets.isEmpty() ? -1 : offsets.get(0);
      Thread.sleep(100);
    }
    return offset;
  }

  private static List<Descriptor> blobsOf(ResolvedImage image) {
    List<Descriptor> all = new ArrayList<>(image.layers());
    all.add(image.config());
    return all;
  }

  /** Plants config and layer in the repository and returns a manifest naming them. */
  private byte[] manifest(String repo, byte[] config, String layerType, byte[] layer) throws Exception {
    return manifest(registry, repo, config, layerType, layer);
  }

  private static byte[] manifest(LoopbackRegistry registry, String repo, byte[] config, String layerType, byte[] layer)
      throws Exception {
    String configDigest = registry.plantBlob(repo, config);
    String layerDigest = registry.plantBlob(repo, layer);
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
        + "},\"layers\":[{\"mediaType\":\"" + layerType + "\",\"digest\":\"" + layerDigest + "\",\"size\":"
        + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  /** An index of this platform's busybox manifest and another platform's with one layer, tagged 1 in the registry. */
  private record TwoPlatforms(String here, String other, byte[] hereManifest, String hereDigest, byte[] otherManifest,
      String otherDigest, String indexDigest) {}

  /**
   * Plants in {@code repo} this platform's manifest of the busybox image, another platform's
   * (arm64, or amd64 on arm64) whose one layer is {@code otherLayer}, and an index of the two,
   * the other listed first, under tag 1.
   */
  private TwoPlatforms plantTwoPlatforms(String repo, byte[] otherLayer) throws Exception {
    return plantTwoPlatforms(registry, repo, otherLayer);
  }

  private static TwoPlatforms plantTwoPlatforms(LoopbackRegistry registry, String repo, byte[] otherLayer)
      throws Exception {
    TestImage busybox = TestImages.busybox();
    String here = dev.berth.client.images.Platform.current().architecture();
    String other = here.equals("amd64") ? "arm64" : "amd64";
    byte[] hereManifest = manifest(registry, repo, busybox.config(), "application/vnd.oci.image.layer.v1.tar",
        busybox.layers().get(0));
    byte[] otherConfig = ("{\"architecture\":\"" + other + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
    byte[] otherManifest = manifest(registry, repo, otherConfig, "application/vnd.oci.image.layer.v1.tar", otherLayer);
    String hereDigest = registry.plantManifest(repo, null, hereManifest);
    String otherDigest = registry.plantManifest(repo, null, otherManifest);
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
        + entry(otherDigest, otherManifest.length, other) + "," + entry(hereDigest, hereManifest.length, here) + "]}";
    String indexDigest = registry.plantManifest(repo, "1", index.getBytes(StandardCharsets.UTF_8));
    return new TwoPlatforms(here, other, hereManifest, hereDigest, otherManifest, otherDigest, indexDigest);
  }

  private static String entry(String digest, int size, String arch) {
    return "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":" + size
        + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
  }
}
