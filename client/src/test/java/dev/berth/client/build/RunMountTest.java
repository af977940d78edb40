package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.client.spec.MountFlag;
import dev.berth.client.spec.VolumeSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunMountTest {
  private static RunMount parse(String flag) {
    return RunMount.parse(flag, "/work", Map.of("D", "/var/cache/apt")::get);
  }

  @Test
  void defaultsAreBuildKitsAndVariablesAndTheWorkdirApply() {
    assertEquals(new RunMount("bind", "/work/src", "", null, true, "/work/src", "shared", 0755, 0, 0, null),
        parse("target=src"));
    assertEquals(new RunMount("cache", "/var/cache/apt", "", null, false, "/var/cache/apt", "locked", 0700, 1, 2,
        null), parse("type=cache,target=$D,sharing=locked,mode=0700,uid=1,gid=2"));
    assertEquals(new RunMount("bind", "/s", "x", "build", false, "/s", "shared", 0755, 0, 0, null),
        parse("type=bind,from=build,source=x,dst=/s,rw"));
    assertEquals(new RunMount("tmpfs", "/t", "", null, true, "/t", "shared", 0755, 0, 0, "64m"),
        parse("type=tmpfs,target=/t,size=64m,ro"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "type=volume,target=/x|unsupported mount type \"volume\"",
      "type=ssh|RUN --mount=type=ssh is not supported by berthctl build, which has no --ssh to give it",
      "type=bind,target=/x,mode=0700|mode not allowed for \"bind\" type mounts",
      "type=bind,target=/x,sharing=locked|invalid cache sharing set for bind mount",
      "type=cache,target=/x,sharing=never|unsupported sharing value \"never\"",
      "type=cache,target=/x,nope=1|unexpected key 'nope' in 'nope=1'",
      "type=cache,target=/x,exclusive|invalid field 'exclusive' must be a key=value pair",
      "type=cache|mount destination not set: RUN --mount needs target=PATH",
  })
  void refusals(String flag, String message) {
    assertEquals(message, assertThrows(BuildStepException.class, () -> parse(flag)).getMessage());
  }

  @Test
  void aVariableWithACommaStaysTheTargetAndAddsNoSourceToTheRunsMount() {
    RunMount m = RunMount.parse("type=bind,target=$T,rw", "/", Map.of("T", "/x,source=/host/dir")::get);
    VolumeSpec run = (VolumeSpec) MountFlag.parse(RunMounts.bindFlag(Path.of("/tmp/context-copy"), m.target(), m.readOnly()));
    assertEquals("/tmp/context-copy", run.source());
    assertEquals("/x,source=/host/dir", run.target());
  }
}
