package dev.berth.client.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.client.ClientException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
  private static ImageConfig parse(String json) {
    return ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsWhatAContainerRunsWith() {
    ImageConfig config = parse("""
        {"architecture":"amd64","os":"linux",
         "config":{"User":"www:www","Env":["PATH=/bin","A=1"],"Entrypoint":["/entry"],"Cmd":["-v"],
                   "WorkingDir":"/srv","ExposedPorts":{"80/tcp":{},"53/udp":{}},"StopSignal":"SIGQUIT",
                   "Volumes":{"/var/lib/db":{},"/data":{}},
                   "Labels":{"b":"2","a":"1"}},
         "rootfs":{"type":"layers","diff_ids":["sha256:aa"]}}
        """);
    assertEquals(Platform.of("linux", "amd64", ""), config.platform());
    assertEquals(List.of("sha256:aa"), config.diffIds());
    assertEquals("www:www", config.user());
    assertEquals(List.of("PATH=/bin", "A=1"), config.env());
    assertEquals(List.of("/entry"), config.entrypoint());
    assertEquals(List.of("-v"), config.cmd());
    assertEquals("/srv", config.workingDir());
    assertEquals(List.of("53/udp", "80/tcp"), List.copyOf(config.exposedPorts()), "sorted");
    assertEquals("SIGQUIT", config.stopSignal());
    assertEquals(List.of("/data", "/var/lib/db"), List.copyOf(config.volumes()), "sorted");
    assertEquals(Map.of("a", "1", "b", "2"), config.labels());
  }

  @Test
  void absentAndNullFieldsAreEmpty() {
    ImageConfig config = parse("""
        {"os":"linux","config":{"Entrypoint":null,"Cmd":null,"Env":null},"rootfs":{"diff_ids":[]}}
        """);
    assertEquals(List.of(), config.entrypoint());
    assertEquals(List.of(), config.cmd());
    assertEquals(List.of(), config.env());
    assertEquals("", config.user());
    assertEquals("", config.workingDir());
    assertEquals(Set.of(), config.exposedPorts());
    assertEquals(Map.of(), config.labels());
    assertThrows(ClientException.class, () -> parse("[]"));
  }
}
