package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.labels.ContainerLabels;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Which containers an older berthd made join a PID namespace by path, and what that path is taken for. */
class LegacyPidJoinTest {
  private static final String HOLDER = ContainerLabels.JOINED_PROCESS_PREFIX + "4242:9001";

  private static Container withPidNamespace(String entry) {
    String spec = "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"}," + entry + "]}}";
    return Container.newBuilder().setId("c1")
        .setSpec(Any.newBuilder().setValue(ByteString.copyFrom(spec, StandardCharsets.UTF_8))).build();
  }

  @Test
  void onlyARecordWithoutTheLabelWhoseSpecJoinsByPathIsAnOlderBerthds() {
    assertEquals(OptionalLong.of(4242), LegacyPidJoin.pathPid(withPidNamespace(
        "{\"type\":\"pid\",\"path\":\"/proc/4242/ns/pid\"}")));
    assertEquals(OptionalLong.empty(), LegacyPidJoin.pathPid(withPidNamespace("{\"type\":\"pid\"}")), "its own");
    assertEquals(OptionalLong.empty(), LegacyPidJoin.pathPid(withPidNamespace(
        "{\"type\":\"pid\",\"path\":\"/proc/4242/ns/pid\"}").toBuilder().putLabels(ContainerLabels.PID, HOLDER)
        .build()), "the tasks service puts the label's path there");
    BerthException odd = assertThrows(BerthException.class, () -> LegacyPidJoin.pathPid(withPidNamespace(
        "{\"type\":\"pid\",\"path\":\"/run/elsewhere\"}")));
    assertEquals(Status.Code.FAILED_PRECONDITION, odd.code());
  }

  @Test
  void thePathIsTakenForTheHoldersOrTheRunningTargetsOnlyWhenThatProcessHasItsPid() {
    assertEquals(HOLDER, LegacyPidJoin.label("c1", 4242, Optional.of(HOLDER), Optional.empty(), Optional.empty()));
    assertEquals(ContainerLabels.JOINED_CONTAINER_PREFIX + "t1",
        LegacyPidJoin.label("c1", 77, Optional.of(HOLDER), Optional.of("t1"), Optional.of(77)));
    // 424 is a prefix of the holder's pid, not its pid
    BerthException refused = assertThrows(BerthException.class,
        () -> LegacyPidJoin.label("c1", 424, Optional.of(HOLDER), Optional.of("t1"), Optional.of(77)));
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.code());
    assertEquals("container c1 was created by an older berthd and joins the PID namespace /proc/424/ns/pid, which"
        + " is no longer its pod's or its target's: remove the container and create it again", refused.getMessage());
    assertThrows(BerthException.class,
        () -> LegacyPidJoin.label("c1", 4242, Optional.empty(), Optional.empty(), Optional.empty()), "holder gone");
  }
}
