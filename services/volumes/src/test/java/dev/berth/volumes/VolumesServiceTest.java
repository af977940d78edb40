package dev.berth.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.events.v1.VolumeChange;
import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.PruneVolumesRequest;
import berth.volumes.v1.PruneVolumesResponse;
import dev.berth.api.labels.VolumeLabels;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class VolumesServiceTest {
  @TempDir
  Path root;
  final RecordedContainers containers = new RecordedContainers();
  final List<String> ensured = new ArrayList<>();
  /** What the service announced: namespace, topic, then the volume's name and driver. */
  final List<String> announced = new ArrayList<>();
  MetadataStore store;
  InProcessServices containersApi;
  InProcessServices server;
  VolumesGrpc.VolumesBlockingStub volumes;

  @BeforeEach
  void start() throws Exception {
    store = MetadataStore.open(root.resolve("meta.db"));
    containersApi = InProcessServices.start(containers);
    open();
  }

  /** (Re)opens the store on the same root and database, as berthd starting does. */
  void open() throws Exception {
    if (server != null) {
      server.close();
    }
    server = InProcessServices.start(new VolumesService(
        new VolumeStore(root, store, containersApi.channel(), ensured::add), (namespace, topic, event) -> {
          VolumeChange v = (VolumeChange) event;
          announced.add(namespace + " " + topic + " " + v.getName() + " " + v.getDriver());
        }));
    volumes = VolumesGrpc.newBlockingStub(server.channel());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    containersApi.close();
    store.close();
  }

  Volume create(VolumesGrpc.VolumesBlockingStub stub, String name, Map<String, String> labels) {
    return stub.create(CreateVolumeRequest.newBuilder().setName(name).putAllLabels(labels).build()).getVolume();
  }

  Volume get(String name) {
    return volumes.get(GetVolumeRequest.newBuilder().setName(name).build()).getVolume();
  }

  List<String> names(VolumesGrpc.VolumesBlockingStub stub, String... filters) {
    return stub.list(ListVolumesRequest.newBuilder().addAllFilters(List.of(filters)).build())
        .getVolumesList().stream().map(Volume::getName).toList();
  }

  void delete(String name) {
    volumes.delete(DeleteVolumeRequest.newBuilder().setName(name).build());
  }

  static Status.Code code(Executable call) {
    return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
  }

  Path mountpoint(String namespace, String name) {
    return root.resolve("volumes").resolve(namespace).resolve(name).resolve("_data");
  }

  List<Path> trash() throws Exception {
    try (Stream<Path> s = Files.list(root.resolve("volumes/.trash"))) {
      return s.toList();
    }
  }

  @Test
  void createGetListDelete() throws Exception {
    Instant before = Instant.now();
    Volume created = create(volumes, "data", Map.of("app", "web"));
    assertEquals("data", created.getName());
    assertEquals("local", created.getDriver());
    assertEquals(mountpoint("default", "data").toString(), created.getMountpoint());
    assertTrue(Files.isDirectory(Path.of(created.getMountpoint())));
    assertEquals(Map.of("app", "web"), created.getLabelsMap());
    Instant at = Instant.ofEpochSecond(created.getCreatedAt().getSeconds(), created.getCreatedAt().getNanos());
    assertFalse(at.isBefore(before.minus(Duration.ofSeconds(1))) || at.isAfter(Instant.now()), "created at " + at);
    assertEquals(List.of(), created.getUsedByList());
    assertEquals(List.of("default"), ensured);

    Files.writeString(Path.of(created.getMountpoint()).resolve("kept"), "across containers");
    assertEquals(created, get("data"));
    assertEquals(List.of("data"), names(volumes));

    delete("data");
    assertEquals(Status.Code.NOT_FOUND, code(() -> get("data")));
    assertEquals(Status.Code.NOT_FOUND, code(() -> delete("data")));
    assertFalse(Files.exists(mountpoint("default", "data").getParent()));
    assertEquals(List.of(), names(volumes));
    assertEquals(List.of(), trash());
  }

  @Test
  void anEmptyNameGetsAGeneratedOne() {
    Volume v = create(volumes, "", Map.of());
    assertTrue(v.getName().matches("[0-9a-f]{64}"), v.getName());
    assertTrue(Files.isDirectory(Path.of(v.getMountpoint())));
    assertTrue(!create(volumes, "", Map.of()).getName().equals(v.getName()));
  }

  @Test
  void anUnnamedVolumeIsAnonymousByDockersLabelSoPruneTakesIt() {
    Volume v = create(volumes, "", Map.of("team", "web"));
    assertEquals(Map.of("com.docker.volume.anonymous", "", "team", "web"), v.getLabelsMap());
    assertEquals(v.getLabelsMap(), get(v.getName()).getLabelsMap());
    assertEquals(List.of(v.getName()), names(volumes, "labels.\"com.docker.volume.anonymous\""));
    // a volume an earlier Berth made is anonymous by its own label
    create(volumes, "older", Map.of("io.berth.anonymous", ""));
    create(volumes, "named", Map.of());
    assertEquals(List.of(v.getName(), "older"), volumes.prune(PruneVolumesRequest.getDefaultInstance())
        .getDeletedList().stream().sorted().toList());
    assertEquals(List.of("named"), names(volumes));
  }

  @Test
  void badInputIsRefusedAndChangesNothing() throws Exception {
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(volumes, "Bad Name!", Map.of())));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(volumes, "../escape", Map.of())));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(volumes, "ok", Map.of("", "empty key"))));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> get("Bad Name!")));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> names(volumes, "name==\"unterminated")));
    assertFalse(Files.exists(root.resolve("volumes/default")));
    assertFalse(Files.exists(root.resolve("escape")));

    Volume first = create(volumes, "data", Map.of("v", "1"));
    Files.writeString(Path.of(first.getMountpoint()).resolve("file"), "first");
    assertEquals(Status.Code.ALREADY_EXISTS, code(() -> create(volumes, "data", Map.of("v", "2"))));
    assertEquals("first", Files.readString(Path.of(first.getMountpoint()).resolve("file")));
    assertEquals(Map.of("v", "1"), get("data").getLabelsMap());
  }

  @Test
  void volumeNamesFollowDockersRule() {
    for (String name : List.of("my__vol", "vol-", "1.-x", "a.", "ab")) {
      assertEquals(name, create(volumes, name, Map.of()).getName());
      assertTrue(Files.isDirectory(mountpoint("default", name)), name);
    }
    StatusRuntimeException one = assertThrows(StatusRuntimeException.class, () -> create(volumes, "a", Map.of()));
    assertEquals(Status.Code.INVALID_ARGUMENT, one.getStatus().getCode());
    assertEquals("create a: \"a\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" "
        + "are allowed. If you intended to pass a host directory, use absolute path", one.getStatus().getDescription());
    for (String name : List.of("_x", ".x", "-x", "a/b", "x".repeat(256))) {
      assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> create(volumes, name, Map.of())), name);
    }
  }

  @Test
  void namespacesAreSeparate() {
    VolumesGrpc.VolumesBlockingStub a = VolumesGrpc.newBlockingStub(server.inNamespace("team-a"));
    VolumesGrpc.VolumesBlockingStub b = VolumesGrpc.newBlockingStub(server.inNamespace("team-b"));
    assertEquals(mountpoint("team-a", "data").toString(), create(a, "data", Map.of()).getMountpoint());
    create(b, "data", Map.of());
    create(b, "only-b", Map.of());
    assertEquals(List.of("data"), names(a));
    assertEquals(List.of("data", "only-b"), names(b));
    assertEquals(Status.Code.NOT_FOUND, code(() -> a.get(GetVolumeRequest.newBuilder().setName("only-b").build())));
    a.delete(DeleteVolumeRequest.newBuilder().setName("data").build());
    assertEquals(List.of("data", "only-b"), names(b));
    assertTrue(Files.isDirectory(mountpoint("team-b", "data")));
    assertEquals(List.of("team-a", "team-b"), ensured.stream().distinct().sorted().toList());
  }

  @Test
  void listFilters() {
    create(volumes, "web-data", Map.of("app", "web", "tier", "front"));
    create(volumes, "db-data", Map.of("app", "db"));
    create(volumes, "scratch", Map.of());
    assertEquals(List.of("web-data"), names(volumes, "name==web-data"));
    assertEquals(List.of("db-data", "web-data"), names(volumes, "name~=-data$"));
    assertEquals(List.of("db-data"), names(volumes, "labels.app==db"));
    assertEquals(List.of("db-data", "web-data"), names(volumes, "labels.app"));
    assertEquals(List.of("scratch", "web-data"), names(volumes, "labels.tier==front", "name==scratch"));
    assertEquals(List.of("db-data", "scratch", "web-data"), names(volumes, "driver==local"));
  }

  @Test
  void aVolumeNamedByAContainerRecordIsInUse() {
    create(volumes, "data", Map.of());
    create(volumes, "cache", Map.of());
    create(volumes, "free", Map.of());
    containers.put("default", "web", "data, cache");
    containers.put("default", "db", "data");
    containers.put("elsewhere", "other", "free");

    assertEquals(List.of("db", "web"), get("data").getUsedByList());
    assertEquals(List.of("web"), get("cache").getUsedByList());
    assertEquals(List.of(), get("free").getUsedByList());
    assertEquals(List.of(List.of("web"), List.of("db", "web"), List.of()),
        volumes.list(ListVolumesRequest.getDefaultInstance()).getVolumesList().stream().map(Volume::getUsedByList).toList());

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> delete("data"));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("db, web"), e.getStatus().getDescription());
    assertTrue(Files.isDirectory(mountpoint("default", "data")));
    delete("free");

    containers.clear();
    delete("data");
    assertEquals(List.of("cache"), names(volumes));
  }

  @Test
  void pruneRemovesUnusedVolumesAndCountsTheirBytes() throws Exception {
    create(volumes, "used", Map.of());
    Files.write(mountpoint("default", "used").resolve("big"), new byte[4096]);
    create(volumes, "old", Map.of());
    Files.createDirectories(mountpoint("default", "old").resolve("sub/dir"));
    Files.write(mountpoint("default", "old").resolve("a"), new byte[1000]);
    Files.write(mountpoint("default", "old").resolve("sub/dir/b"), new byte[24]);
    Files.createSymbolicLink(mountpoint("default", "old").resolve("to-used"), mountpoint("default", "used").resolve("big"));
    create(volumes, "empty", Map.of());
    containers.put("default", "app", "used");

    PruneVolumesRequest all = PruneVolumesRequest.newBuilder().setAll(true).build();
    PruneVolumesResponse pruned = volumes.prune(all);
    assertEquals(List.of("empty", "old"), pruned.getDeletedList());
    assertEquals(1024, pruned.getSpaceReclaimed());
    assertEquals(List.of("used"), names(volumes));
    assertEquals(4096, Files.size(mountpoint("default", "used").resolve("big")));
    assertEquals(0, volumes.prune(all).getDeletedCount());
  }

  @Test
  void pruneKeepsNamedVolumesUnlessAllAndHonoursFilters() {
    create(volumes, "named", Map.of());
    create(volumes, "anon-web", Map.of(VolumeLabels.ANONYMOUS, "", "team", "web"));
    create(volumes, "anon-db", Map.of(VolumeLabels.ANONYMOUS, "", "team", "db"));
    create(volumes, "anon-used", Map.of(VolumeLabels.ANONYMOUS, ""));
    containers.put("default", "app", "anon-used");

    assertEquals(List.of("anon-web"), volumes.prune(PruneVolumesRequest.newBuilder()
        .addFilters("labels.team==web").build()).getDeletedList());
    assertEquals(List.of("anon-db"), volumes.prune(PruneVolumesRequest.getDefaultInstance()).getDeletedList());
    assertEquals(List.of("anon-used", "named"), names(volumes));
    assertEquals(List.of("named"), volumes.prune(PruneVolumesRequest.newBuilder().setAll(true).build())
        .getDeletedList());
  }

  @Test
  void madeAndRemovedVolumesAreAnnouncedAsDockersVolumeEventsAre() {
    create(volumes, "data", Map.of());
    assertThrows(StatusRuntimeException.class, () -> create(volumes, "data", Map.of("other", "")));
    create(volumes, "anon", Map.of(VolumeLabels.ANONYMOUS, ""));
    assertThrows(StatusRuntimeException.class, () -> create(volumes, "bad/name", Map.of()));
    delete("data");
    volumes.prune(PruneVolumesRequest.getDefaultInstance());
    assertEquals(List.of("default /volumes/create data local", "default /volumes/create anon local",
        "default /volumes/delete data local", "default /volumes/delete anon local"), announced);
  }

  @Test
  void deletingNeverFollowsLinksOutOfTheVolume() throws Exception {
    Path outside = Files.createDirectories(root.resolve("outside/dir"));
    Files.writeString(outside.resolve("precious"), "keep me");
    Path data = Path.of(create(volumes, "data", Map.of()).getMountpoint());
    Files.createSymbolicLink(data.resolve("dir-link"), outside);
    Files.createSymbolicLink(data.resolve("file-link"), outside.resolve("precious"));
    Files.createSymbolicLink(data.resolve("parent-link"), root);

    delete("data");
    assertEquals("keep me", Files.readString(outside.resolve("precious")));
    assertTrue(Files.exists(root.resolve("meta.db")));
    assertFalse(Files.exists(data));
    assertEquals(List.of(), trash());
  }

  @Test
  void startSweepsWhatACrashLeft() throws Exception {
    Path kept = Path.of(create(volumes, "kept", Map.of()).getMountpoint());
    Files.writeString(kept.resolve("file"), "data");
    // a create cut short after its directory was made, a delete cut short after its record went
    Files.createDirectories(mountpoint("default", "orphan"));
    Files.writeString(mountpoint("default", "orphan").resolve("file"), "half");
    Files.createDirectories(root.resolve("volumes/default/.new-123/_data"));
    Files.createDirectories(root.resolve("volumes/.trash/1234/_data/deep"));
    Files.writeString(root.resolve("volumes/.trash/1234/_data/deep/file"), "half deleted");

    open();
    assertEquals(List.of("kept"), names(volumes));
    assertEquals("data", Files.readString(kept.resolve("file")));
    try (Stream<Path> s = Files.list(root.resolve("volumes/default"))) {
      assertEquals(List.of("kept"), s.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals(List.of(), trash());
    assertEquals(Status.Code.NOT_FOUND, code(() -> get("orphan")));
    create(volumes, "orphan", Map.of());
    assertEquals(List.of(), Files.list(mountpoint("default", "orphan")).toList());
  }
}
