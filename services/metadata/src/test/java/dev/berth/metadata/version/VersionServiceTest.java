package dev.berth.metadata.version;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import dev.berth.common.testing.InProcessServices;
import org.junit.jupiter.api.Test;

class VersionServiceTest {
  @Test
  void answersTheVersionTheBuildRecorded() throws Exception {
    try (InProcessServices grpc = InProcessServices.start(new VersionService())) {
      VersionResponse v = VersionGrpc.newBlockingStub(grpc.channel()).version(Empty.getDefaultInstance());
      assertTrue(v.getVersion().matches("\\d+\\.\\d+\\.\\d+.*"), v.getVersion());
      assertFalse(v.getRevision().isEmpty());
      assertFalse(v.getRevision().contains("${"), v.getRevision());
    }
  }
}
