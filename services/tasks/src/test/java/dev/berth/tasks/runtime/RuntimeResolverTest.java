package dev.berth.tasks.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import containerd.runc.v1.Options;
import dev.berth.common.events.TypeUrls;
import dev.berth.api.grpc.BerthException;
import dev.berth.tasks.cgroups.CgroupLayout;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeResolverTest {
  private final RuntimeConfig config = RuntimeConfig.defaults().withRuntime("io.containerd.crun.v2", Path.of("/usr/bin/crun"));
  private final CgroupLayout layout = CgroupLayout.detect();
  private final RuntimeResolver resolver = new RuntimeResolver(config, layout);

  private static Status.Code code(Runnable r) {
    return assertThrows(BerthException.class, r::run).code();
  }

  @Test
  void runcServesContainerdsRuncNames() {
    assertEquals(config.runtimes().get(RuntimeConfig.RUNC_V2), resolver.binaryFor("io.containerd.runc.v2", Optional.empty()));
    assertEquals("runc", resolver.binaryFor("io.containerd.runc.v1", Optional.empty()).getFileName().toString());
  }

  @Test
  void unknownAndMalformedNames() {
    assertEquals(Status.Code.NOT_FOUND, code(() -> resolver.binaryFor("io.containerd.nosuch.v1", Optional.empty())));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> resolver.binaryFor("runc", Optional.empty())));
  }

  @Test
  void runcOptionsMayNameAnotherBinary() {
    Any options = TypeUrls.pack(Options.newBuilder().setBinaryName("no-such-runtime-binary").build());
    assertEquals(Status.Code.NOT_FOUND, code(() -> resolver.binaryFor("io.containerd.runc.v2", Optional.of(options))));
    Any runc = TypeUrls.pack(Options.newBuilder().setBinaryName("runc").build());
    assertEquals("runc", resolver.binaryFor("io.containerd.runc.v2", Optional.of(runc)).getFileName().toString());
  }

  @Test
  void crunOnlyWhereTheHostAllowsIt() {
    if (layout.allowsCrun()) {
      assertEquals(Path.of("/usr/bin/crun"), resolver.binaryFor("io.containerd.crun.v2", Optional.empty()));
    } else {
      assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> resolver.binaryFor("io.containerd.crun.v2", Optional.empty())));
    }
  }

  @Test
  void runtimeMessagesComeFromLogrusLines() {
    CommandResult r = new CommandResult(1, "", "time=\"2026\" level=error msg=\"container not running\"\n");
    assertEquals("container not running", r.message());
    assertEquals("plain failure", new CommandResult(1, "", "first\nplain failure\n").message());
  }
}
