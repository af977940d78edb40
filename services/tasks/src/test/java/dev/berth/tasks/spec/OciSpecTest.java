package dev.berth.tasks.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciSpecTest {
  private static Any json(String text) {
    return Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Spec")
        .setValue(ByteString.copyFromUtf8(text)).build();
  }

  private static final String SPEC = """
      {"process": {"args": ["sh"], "oomScoreAdj": -998,
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1048576, "soft": 1048576},
                    {"type": "RLIMIT_NPROC", "hard": 100, "soft": 50}]},
       "root": {"path": "/somewhere", "readonly": true}}""";

  @Test
  void withoutSysResourceItLeavesOutALowerOomScoreAdj() throws Exception {
    OciSpec spec = OciSpec.container("c", json(SPEC));
    spec.fitTo(new HostLimits(false, 0, Map.of("RLIMIT_NOFILE", BigInteger.valueOf(1048576),
        "RLIMIT_NPROC", HostLimits.UNLIMITED)), "test");
    JsonNode process = new ObjectMapper().readTree(spec.toBytes()).get("process");
    assertFalse(process.has("oomScoreAdj"));
    assertEquals(1048576, process.get("rlimits").get(0).get("hard").asLong());
    assertEquals(100, process.get("rlimits").get(1).get("hard").asLong());
  }

  @Test
  void withoutSysResourceItRefusesAnRlimitAboveOursNamingIt() {
    OciSpec spec = OciSpec.container("c", json(SPEC));
    BerthException e = assertThrows(BerthException.class, () -> spec.fitTo(
        new HostLimits(false, 0, Map.of("RLIMIT_NOFILE", BigInteger.valueOf(20000))), "test"));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
    assertTrue(e.getMessage().contains("ulimit nofile: hard limit 1048576 is above berthd's own (20000)"),
        e.getMessage());
  }

  @Test
  void takesUnlimitedWhereOursIsUnlimited() {
    OciSpec spec = OciSpec.container("c", json("""
        {"process": {"args": ["sh"], "rlimits": [
          {"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 18446744073709551615}]}}"""));
    spec.fitTo(new HostLimits(false, 0, Map.of("RLIMIT_CORE", HostLimits.UNLIMITED)), "test");
    BerthException e = assertThrows(BerthException.class, () -> spec.fitTo(
        new HostLimits(false, 0, Map.of("RLIMIT_CORE", BigInteger.TEN)), "test"));
    assertTrue(e.getMessage().contains("hard limit unlimited is above berthd's own (10)"), e.getMessage());
  }

  @Test
  void withSysResourceItChangesNothing() throws Exception {
    OciSpec spec = OciSpec.container("c", json(SPEC));
    spec.fitTo(new HostLimits(true, 0, Map.of("RLIMIT_NOFILE", BigInteger.ONE)), "test");
    assertEquals(new ObjectMapper().readTree(SPEC), new ObjectMapper().readTree(spec.toBytes()));
  }

  @Test
  void pointsTheRootAtTheMountedRootfsKeepingReadonly() throws Exception {
    OciSpec spec = OciSpec.container("c", json(SPEC));
    spec.useRootfs("rootfs");
    JsonNode root = new ObjectMapper().readTree(spec.toBytes()).get("root");
    assertEquals("rootfs", root.get("path").asText());
    assertTrue(root.get("readonly").asBoolean());
  }

  @Test
  void refusesWhatIsNoSpec() {
    for (String bad : List.of("", "{not json", "[1]", "{\"root\": {}}")) {
      BerthException e = assertThrows(BerthException.class, () -> OciSpec.container("c", json(bad)));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), bad);
    }
    assertThrows(BerthException.class, () -> OciSpec.process("exec", json("{\"args\": []}")));
  }

  @Test
  void readsThisProcesssLimits() {
    HostLimits limits = HostLimits.ofThisProcess();
    assertTrue(limits.hardLimits().containsKey("RLIMIT_NOFILE"));
  }
}
