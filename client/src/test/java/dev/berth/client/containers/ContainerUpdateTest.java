package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.UpdateTaskRequest;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.RestartPolicy;
import dev.berth.client.spec.ResourceFlags;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What update sends the running task and keeps in the record, against fake Containers and Tasks services. */
class ContainerUpdateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Container RECORD = Container.newBuilder().setId("c1")
      .setSpec(Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Spec")
          .setValue(ByteString.copyFromUtf8(
              "{\"linux\":{\"resources\":{\"memory\":{\"limit\":67108864,\"swap\":134217728}}}}")))
      .build();

  private final FakeServices.Containers containers = new FakeServices.Containers();
  private final List<UpdateTaskRequest> taskUpdates = new CopyOnWriteArrayList<>();
  private InProcessBerth berth;

  private ContainerUpdate update() throws Exception {
    return update(RECORD, true);
  }

  private ContainerUpdate update(Container record, boolean swapAccounted) throws Exception {
    containers.byId.put(record.getId(), record);
    berth = InProcessBerth.serving(containers, new TasksGrpc.TasksImplBase() {
      @Override
      public void update(UpdateTaskRequest request, StreamObserver<Empty> responses) {
        taskUpdates.add(request);
        responses.onNext(Empty.getDefaultInstance());
        responses.onCompleted();
      }
    });
    return new ContainerUpdate(berth.channel(), true, swapAccounted);
  }

  private static ContainerState running() {
    return new ContainerState(RECORD,
        Optional.of(Process.newBuilder().setContainerId("c1").setStatus(Status.RUNNING).build()));
  }

  @AfterEach
  void close() throws Exception {
    if (berth != null) {
      berth.close();
    }
  }

  @Test
  void aRunningContainersTaskGetsOnlyWhatChangedAndTheSpecKeepsIt() throws Exception {
    update().apply(running(), new ContainerUpdate.Changes(null, null, null, ResourceFlags.cpus("0.5"), null, null, null, "0", null, 50L,
        RestartPolicy.parse("always")));
    assertEquals(1, taskUpdates.size());
    assertEquals(ContainerUpdate.RESOURCES_TYPE_URL, taskUpdates.get(0).getResources().getTypeUrl());
    JsonNode sent = JSON.readTree(taskUpdates.get(0).getResources().getValue().toByteArray());
    assertEquals(50000, sent.path("cpu").path("quota").asLong());
    assertEquals("0", sent.path("cpu").path("cpus").asText());
    assertEquals(50, sent.path("pids").path("limit").asLong());
    assertTrue(sent.path("memory").isMissingNode(), sent::toString);

    Container kept = containers.byId.get("c1");
    JsonNode resources = JSON.readTree(kept.getSpec().getValue().toByteArray()).path("linux").path("resources");
    assertEquals(50000, resources.path("cpu").path("quota").asLong());
    assertEquals(67108864, resources.path("memory").path("limit").asLong());
    assertEquals("always", kept.getLabelsMap().get(ContainerLabels.RESTART_POLICY));
  }

  @Test
  void aMemoryReservationReachesTheTaskAndTheSpec() throws Exception {
    update().apply(running(), new ContainerUpdate.Changes(null, null, 32L << 20, null, null, null, null, null, null, null, null));
    JsonNode sent = JSON.readTree(taskUpdates.get(0).getResources().getValue().toByteArray());
    assertEquals(32L << 20, sent.path("memory").path("reservation").asLong());
    assertTrue(sent.path("memory").path("limit").isMissingNode(), sent::toString);
    JsonNode memory = JSON.readTree(containers.byId.get("c1").getSpec().getValue().toByteArray())
        .path("linux").path("resources").path("memory");
    assertEquals(32L << 20, memory.path("reservation").asLong());
    assertEquals(67108864, memory.path("limit").asLong());
  }

  @Test
  void aBlockIoWeightReachesTheTaskAndTheSpec() throws Exception {
    update().apply(running(), new ContainerUpdate.Changes(null, null, null, null, null, null, null, null, null, null,
        300, null));
    JsonNode sent = JSON.readTree(taskUpdates.get(0).getResources().getValue().toByteArray());
    assertEquals("{\"blockIO\":{\"weight\":300}}", sent.toString(), "runc update writes blkio.weight or io.weight");
    JsonNode resources = JSON.readTree(containers.byId.get("c1").getSpec().getValue().toByteArray())
        .path("linux").path("resources");
    assertEquals(300, resources.path("blockIO").path("weight").asInt(), "for the next start too");
    assertEquals(67108864, resources.path("memory").path("limit").asLong());
  }

  @Test
  void aStoppedContainerKeepsTheLimitsForItsNextStartOnly() throws Exception {
    update().apply(new ContainerState(RECORD, Optional.empty()),
        new ContainerUpdate.Changes(null, null, null, null, null, null, 512L, null, null, null, null));
    assertEquals(List.of(), taskUpdates);
    JsonNode resources = JSON.readTree(containers.byId.get("c1").getSpec().getValue().toByteArray())
        .path("linux").path("resources");
    assertEquals(512, resources.path("cpu").path("shares").asLong());
  }

  @Test
  void memoryAboveTheSwapLimitOrNothingToChangeIsRefusedBeforeAnyCall() throws Exception {
    ContainerUpdate update = update();
    InvalidValueException above = assertThrows(InvalidValueException.class, () -> update.apply(running(),
        new ContainerUpdate.Changes(256L << 20, null, null, null, null, null, null, null, null, null, null)));
    assertTrue(above.getMessage().contains("memoryswap"), above.getMessage());
    InvalidValueException reservationAbove = assertThrows(InvalidValueException.class, () -> update.apply(running(),
        new ContainerUpdate.Changes(null, null, 128L << 20, null, null, null, null, null, null, null, null)));
    assertTrue(reservationAbove.getMessage().contains("memory reservation"), reservationAbove.getMessage());
    assertThrows(InvalidValueException.class, () -> update.apply(running(),
        new ContainerUpdate.Changes(null, null, null, null, null, null, null, null, null, null, null)));
    assertEquals(List.of(), taskUpdates);
    assertEquals(RECORD, containers.byId.get("c1"));
  }

  private static final Container NO_LIMITS = RECORD.toBuilder().setSpec(RECORD.getSpec().toBuilder()
      .setValue(ByteString.copyFromUtf8("{\"linux\":{\"resources\":{}}}"))).build();

  @Test
  void memoryAloneOnAContainerWithoutASwapLimitLimitsSwapToTwiceIt() throws Exception {
    update(NO_LIMITS, true).apply(new ContainerState(NO_LIMITS, Optional.empty()),
        new ContainerUpdate.Changes(32L << 20, null, null, null, null, null, null, null, null, null, null));
    JsonNode memory = JSON.readTree(containers.byId.get("c1").getSpec().getValue().toByteArray())
        .path("linux").path("resources").path("memory");
    assertEquals(32L << 20, memory.path("limit").asLong());
    assertEquals(64L << 20, memory.path("swap").asLong());
  }

  @Test
  void aHostWithoutSwapAccountingGetsNoSwapLimit() throws Exception {
    update(NO_LIMITS, false).apply(running(),
        new ContainerUpdate.Changes(32L << 20, 128L << 20, null, null, null, null, null, null, null, null, null));
    JsonNode sent = JSON.readTree(taskUpdates.get(0).getResources().getValue().toByteArray());
    assertEquals(32L << 20, sent.path("memory").path("limit").asLong());
    assertTrue(sent.path("memory").path("swap").isMissingNode(), sent::toString);
  }

  @Test
  void cfsQuotaPeriodAndMemoryNodesReachTheTaskAndTheSpec() throws Exception {
    update().apply(running(), new ContainerUpdate.Changes(null, null, null, null, 50_000L, 200_000L, null, null, "0",
        null, null));
    JsonNode sent = JSON.readTree(taskUpdates.get(0).getResources().getValue().toByteArray());
    assertEquals(50_000, sent.path("cpu").path("quota").asLong());
    assertEquals(200_000, sent.path("cpu").path("period").asLong());
    assertEquals("0", sent.path("cpu").path("mems").asText());
    JsonNode cpu = JSON.readTree(containers.byId.get("c1").getSpec().getValue().toByteArray())
        .path("linux").path("resources").path("cpu");
    assertEquals(50_000, cpu.path("quota").asLong());
    assertEquals("0", cpu.path("mems").asText());
  }

  @Test
  void aCfsQuotaWithCpusIsRefusedAsDockerRefusesIt() throws Exception {
    ContainerUpdate update = update();
    InvalidValueException both = assertThrows(InvalidValueException.class, () -> update.apply(running(),
        new ContainerUpdate.Changes(null, null, null, ResourceFlags.cpus("1"), 50_000L, null, null, null, null, null,
            null)));
    assertTrue(both.getMessage().contains("NanoCPUs"), both.getMessage());
    assertEquals(List.of(), taskUpdates);
  }
}
