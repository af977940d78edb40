package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import dev.berth.client.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ps's COMMAND column, read from the record's OCI spec. */
class PsCommandTest {
  private static Container withSpec(String typeUrl, String json) {
    return Container.newBuilder().setId("c")
        .setSpec(Any.newBuilder().setTypeUrl(typeUrl).setValue(ByteString.copyFrom(json, StandardCharsets.UTF_8)))
        .build();
  }

  @Test
  void theCommandIsTheSpecsProcessArguments() {
    assertEquals("sh -c echo hi", PsCommand.command(withSpec(SpecJson.TYPE_URL,
        "{\"ociVersion\":\"1.1.0\",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\",\"-c\",\"echo hi\"]},\"root\":{\"path\":\"rootfs\"}}")));
  }

  @Test
  void aSpecBerthctlCannotReadShowsNoCommand() {
    assertEquals("", PsCommand.command(withSpec(SpecJson.TYPE_URL, "{not json")));
    assertEquals("", PsCommand.command(withSpec("types.example/other", "{\"process\":{\"args\":[\"x\"]}}")));
    assertEquals("", PsCommand.command(withSpec(SpecJson.TYPE_URL, "{\"process\":{}}")));
    assertEquals("", PsCommand.command(Container.newBuilder().setId("c").build()));
  }
}
