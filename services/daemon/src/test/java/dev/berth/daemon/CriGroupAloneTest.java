package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.ImageFsInfoRequest;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.RuntimeCondition;
import runtime.v1.RuntimeServiceGrpc;
import runtime.v1.StatusRequest;
import runtime.v1.VersionRequest;

/**
 * The cri group in a berthd of its own ({@code berthd --service cri}), reaching the other groups
 * through their sockets, and reporting the runtime and its network not ready once they are gone.
 */
class CriGroupAloneTest {
  @TempDir Path dir;

  private static Map<String, RuntimeCondition> conditions(RuntimeServiceGrpc.RuntimeServiceBlockingStub cri) {
    return cri.status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList().stream()
        .collect(Collectors.toMap(RuntimeCondition::getType, c -> c));
  }

  @Test
  void criAloneAnswersThroughTheOtherSocketsAndSaysWhenTheyAreGone() throws Exception {
    try (TestNetns netns = TestNetns.create("berth-cri")) {
      DaemonConfig config = new DaemonConfig(dir.resolve("root"), dir.resolve("run"), null, netns.path());
      List<String> others = ServiceGroups.NAMES.stream().filter(g -> !g.equals(ServiceGroups.CRI)).toList();
      Berthd rest = Berthd.start(config, others);
      boolean restRunning = true;
      try (Berthd cri = Berthd.start(config, List.of(ServiceGroups.CRI))) {
        ManagedChannel channel = Channels.unix(config.socket(ServiceGroups.CRI));
        try {
          RuntimeServiceGrpc.RuntimeServiceBlockingStub runtimeApi = RuntimeServiceGrpc.newBlockingStub(channel);
          assertFalse(runtimeApi.version(VersionRequest.getDefaultInstance()).getRuntimeVersion().isEmpty());
          Map<String, RuntimeCondition> ready = conditions(runtimeApi);
          assertTrue(ready.get("RuntimeReady").getStatus() && ready.get("NetworkReady").getStatus(), ready.toString());
          assertEquals(config.root().resolve("snapshots/overlayfs").toString(), ImageServiceGrpc.newBlockingStub(channel)
              .imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystems(0).getFsId().getMountpoint());

          rest.close();
          restRunning = false;
          Map<String, RuntimeCondition> gone = conditions(runtimeApi);
          assertFalse(gone.get("RuntimeReady").getStatus());
          assertEquals("ContainerRuntimeNotReady", gone.get("RuntimeReady").getReason());
          assertFalse(gone.get("NetworkReady").getStatus());
          assertEquals("NetworkPluginNotReady", gone.get("NetworkReady").getReason());
          assertTrue(gone.get("NetworkReady").getMessage().contains("bridge"), gone.toString());
          StatusRuntimeException version = assertThrows(StatusRuntimeException.class,
              () -> runtimeApi.version(VersionRequest.getDefaultInstance()));
          assertEquals(Status.Code.UNAVAILABLE, version.getStatus().getCode());
        } finally {
          channel.shutdownNow();
        }
      } finally {
        if (restRunning) {
          rest.close();
        }
      }
    }
  }
}
