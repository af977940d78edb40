package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import dev.berth.api.Digests;
import dev.berth.client.spec.MountFlag;
import dev.berth.client.spec.VolumeSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMountsTest {
  @TempDir
  Path context;
  @TempDir
  Path volumeRoot;

  private static RunMount parse(String flag) {
    return RunMount.parse(flag, "/", Map.<String, String>of()::get);
  }

  private RunMounts mounts(DirectoryVolumes volumes) {
    BaseImages none = reference -> {
      throw new BuildStepException("pull access denied for " + reference, 1);
    };
    return new RunMounts(volumes.channel, none, BuildContext.directory(context), List.of(),
        new Cancellation());
  }

  private static String mode(Path p) throws Exception {
    return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode") & 07777);
  }

  @Test
  void aBindOfTheContextIsReadableByAnyUserOfTheRunAsBuildKitsIs() throws Exception {
    Files.writeString(context.resolve("f"), "x");
    try (RunMounts mounts = new RunMounts(null, null, BuildContext.directory(context), List.of(),
        new Cancellation())) {
      mounts.add(RunMount.parse("target=/src", "/", Map.<String, String>of()::get));
      Path source = Path.of(((VolumeSpec) MountFlag.parse(mounts.flags().get(0))).source());
      assertEquals("755", mode(source));
      // the host's other users still cannot reach it
      assertEquals("700", mode(source.getParent()));
    }
  }

  @Test
  void aCacheWhoseFirstFillFailsLeavesNoVolume() throws Exception {
    try (DirectoryVolumes volumes = new DirectoryVolumes(volumeRoot); RunMounts mounts = mounts(volumes)) {
      assertEquals("pull access denied for nosuchstage", assertThrows(BuildStepException.class,
          () -> mounts.add(parse("type=cache,target=/c,from=nosuchstage,uid=1000,mode=0700"))).getMessage());
      assertEquals(Map.of(), volumes.volumes);
      try (var left = Files.list(volumeRoot)) {
        assertEquals(List.of(), left.toList());
      }
    }
  }

  @Test
  void aBuildWaitingToFillACacheWhoseFillFailedMakesItAgainAndFillsItItself() throws Exception {
    try (DirectoryVolumes volumes = new DirectoryVolumes(volumeRoot); RunMounts mounts = mounts(volumes)) {
      String name = "berth-build-cache-" + Digests.hex(Digests.sha256("c".getBytes(StandardCharsets.UTF_8)))
          .substring(0, 24);
      Volume first = VolumesGrpc.newBlockingStub(volumes.channel)
          .create(CreateVolumeRequest.newBuilder().setName(name).build()).getVolume();
      // another build fills it, holding its fill lock
      Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), FillLockHolder.class.getName(),
          Path.of(first.getMountpoint()).resolveSibling(RunMounts.FILL_LOCK_FILE).toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        assertEquals("locked", new BufferedReader(new InputStreamReader(other.getInputStream())).readLine());
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
          try {
            mounts.add(parse("type=cache,id=c,target=/c,mode=0700"));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        Thread.sleep(500);
        // its fill fails: it removes the volume, then lets go of the lock
        VolumesGrpc.newBlockingStub(volumes.channel).delete(DeleteVolumeRequest.newBuilder().setName(name).build());
        other.getOutputStream().close();
        waiting.get(30, TimeUnit.SECONDS);
      } finally {
        other.destroyForcibly().waitFor();
      }
      Path data = Path.of(volumes.volumes.get(name).getMountpoint());
      assertEquals("700", mode(data));
      assertTrue(Files.exists(data.resolveSibling(RunMounts.FILLED_MARKER)));
    }
  }

  @Test
  void aNewCacheIsFilledAndOwnedAsAsked() throws Exception {
    try (DirectoryVolumes volumes = new DirectoryVolumes(volumeRoot); RunMounts mounts = mounts(volumes)) {
      mounts.add(parse("type=cache,target=/c,uid=1000,gid=1000,mode=0700"));
      Path data = Path.of(volumes.volumes.values().iterator().next().getMountpoint());
      assertEquals("700", mode(data));
      assertEquals(1000, Files.getAttribute(data, "unix:uid"));
      try (var beside = Files.list(data.getParent())) {
        // nothing of the fill left but the marker of its end and its lock
        assertEquals(List.of("_data", RunMounts.FILL_LOCK_FILE, RunMounts.FILLED_MARKER),
            beside.map(p -> p.getFileName().toString()).sorted().toList());
      }
    }
  }

  @Test
  void oneCacheMountedTwiceInARunIsOneCacheWhateverItsSharing() throws Exception {
    try (DirectoryVolumes volumes = new DirectoryVolumes(volumeRoot); RunMounts mounts = mounts(volumes)) {
      mounts.add(parse("type=cache,id=c,target=/a,sharing=locked"));
      mounts.add(parse("type=cache,id=c,target=/b,sharing=locked"));
      mounts.add(parse("type=cache,id=p,target=/c,sharing=private"));
      mounts.add(parse("type=cache,id=p,target=/d,sharing=private"));
      List<String> sources = mounts.flags().stream().map(f -> ((VolumeSpec) MountFlag.parse(f)).source()).toList();
      assertEquals(2, volumes.volumes.size());
      assertEquals(sources.get(0), sources.get(1));
      assertEquals(sources.get(2), sources.get(3));
    }
  }

  @Test
  void aCachesLockIsBesideItsDataWhereNoUserCanPlantALink() throws Exception {
    String id = "locked-" + UUID.randomUUID();
    try (DirectoryVolumes volumes = new DirectoryVolumes(volumeRoot)) {
      try (RunMounts mounts = mounts(volumes)) {
        mounts.add(parse("type=cache,id=" + id + ",target=/a,sharing=locked"));
        Volume volume = volumes.volumes.values().iterator().next();
        assertTrue(Files.isRegularFile(Path.of(volume.getMountpoint()).resolveSibling(RunMounts.LOCK_FILE),
            LinkOption.NOFOLLOW_LINKS));
        try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
          assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().contains(volume.getName())).toList());
        }
      }
      // released with the RUN: the next takes the volume itself, not a directory of its own
      try (RunMounts again = mounts(volumes)) {
        again.add(parse("type=cache,id=" + id + ",target=/a,sharing=private"));
        assertEquals(volumes.volumes.keySet().iterator().next(),
            ((VolumeSpec) MountFlag.parse(again.flags().get(0))).source());
      }
    }
  }
}
