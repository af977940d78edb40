package dev.berth.ctl.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.berth.ctl.output.Json;
import dev.berth.ctl.output.Template;
import org.junit.jupiter.api.Test;

class DockerImageConfigTest {
  private static JsonNode read(String json) throws Exception {
    return Json.mapper().readTree(json);
  }

  @Test
  void anImageWithOnlyACmdHasEveryFieldOfDockersConfigInItsOrder() throws Exception {
    JsonNode config = DockerImageConfig.of(read("{\"Cmd\": [\"sh\"], \"ArgsEscaped\": false, \"ExposedPorts\": {}}"));
    assertEquals("{\"Hostname\":\"\",\"Domainname\":\"\",\"User\":\"\",\"AttachStdin\":false,\"AttachStdout\":false,"
        + "\"AttachStderr\":false,\"Tty\":false,\"OpenStdin\":false,\"StdinOnce\":false,\"Env\":null,"
        + "\"Cmd\":[\"sh\"],\"Image\":\"\",\"Volumes\":null,\"WorkingDir\":\"\",\"Entrypoint\":null,\"OnBuild\":null,"
        + "\"Labels\":null}", config.toString());
  }

  @Test
  void theTemplatesScriptsRunOverAnyImagePrintWhatDockersPrint() throws Exception {
    JsonNode image = Json.mapper().createObjectNode().set("Config", DockerImageConfig.of(MissingNode.getInstance()));
    // before, each failed: map has no entry for key "Labels" (or "WorkingDir", "Entrypoint")
    assertEquals("map[]||null|[]", Template.parse(
        "{{.Config.Labels}}|{{.Config.WorkingDir}}|{{json .Config.Entrypoint}}|{{.Config.Env}}").renderInspected(image));
  }

  @Test
  void theImagesOwnSettingsAreKept() throws Exception {
    JsonNode config = DockerImageConfig.of(read("{\"User\": \"app\", \"ExposedPorts\": {\"80/tcp\": {}},"
        + " \"Entrypoint\": [\"/init\"], \"Labels\": {\"team\": \"web\"}, \"StopSignal\": \"SIGQUIT\","
        + " \"Healthcheck\": {\"Test\": [\"NONE\"]}}"));
    assertEquals("app", config.get("User").asText());
    assertEquals("{\"80/tcp\":{}}", config.get("ExposedPorts").toString());
    assertEquals("[\"/init\"]", config.get("Entrypoint").toString());
    assertEquals("web", config.get("Labels").get("team").asText());
    assertEquals("SIGQUIT", config.get("StopSignal").asText());
    assertEquals("{\"Test\":[\"NONE\"]}", config.get("Healthcheck").toString());
  }
}
