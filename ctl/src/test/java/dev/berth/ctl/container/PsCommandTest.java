package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.spec.SpecJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ps's COMMAND column, read from the record's OCI spec, and what it reads from berthctl's config. */
class PsCommandTest {
  private static Container withSpec(String typeUrl, String json) {
    return Container.newBuilder().setId("c")
        .setSpec(Any.newBuilder().setTypeUrl(typeUrl).setValue(ByteString.copyFrom(json, StandardCharsets.UTF_8)))
        .build();
  }

  @Test
  void theCommandIsTheSpecsProcessArgumentsThoseWithASpaceQuotedAsDockersDaemonQuotesThem() {
    Container c = withSpec(SpecJson.TYPE_URL, "{\"ociVersion\":\"1.1.0\",\"process\":{\"cwd\":\"/\","
        + "\"args\":[\"sh\",\"-c\",\"echo hi\"]},\"root\":{\"path\":\"rootfs\"}}");
    assertEquals("sh -c 'echo hi'", ContainerColumns.command(c));
    assertEquals("\"sh -c 'echo hi'\"", ContainerColumns.command(c, true));
    Container longer = withSpec(SpecJson.TYPE_URL, "{\"process\":{\"args\":[\"sh\",\"-c\",\"echo hello world\"]}}");
    assertEquals("\"sh -c 'echo hello w…\"", ContainerColumns.command(longer, true), "the arguments quoted, then cut to 20 characters");
  }

  @Test
  void theCommandIsQuotedAsGosStrconvQuoteQuotesIt() {
    assertEquals("\"echo \\\"a\\\\b\\\"\"", ContainerColumns.quote("echo \"a\\b\""));
    assertEquals("\"sh -c 'a\\nb\\tc'\"", ContainerColumns.quote("sh -c 'a\nb\tc'"), "a newline stays on its row");
    assertEquals("\"\\x1b[0m \\x7f caf\u00e9 …\"", ContainerColumns.quote("\u001b[0m \u007f caf\u00e9 …"));
  }

  @Test
  void aSpecBerthctlCannotReadShowsNoCommand() {
    assertEquals("", ContainerColumns.command(withSpec(SpecJson.TYPE_URL, "{not json")));
    assertEquals("", ContainerColumns.command(withSpec("types.example/other", "{\"process\":{\"args\":[\"x\"]}}")));
    assertEquals("", ContainerColumns.command(withSpec(SpecJson.TYPE_URL, "{\"process\":{}}")));
    assertEquals("", ContainerColumns.command(Container.newBuilder().setId("c").build()));
  }

  private static Container withConfig(String json) {
    return Container.newBuilder().setId("c").putExtensions(ContainerConfig.EXTENSION, Any.newBuilder()
        .setTypeUrl(ContainerConfig.TYPE_URL).setValue(ByteString.copyFrom(json, StandardCharsets.UTF_8)).build())
        .build();
  }

  @Test
  void aNameFilterIsARegularExpressionAndOneThatIsNoExpressionMatchesNothing() {
    assertTrue(PsCommand.named("web", "^/web$"));
    assertTrue(PsCommand.named("web", "e"));
    assertFalse(PsCommand.named("web", "^web2$"));
    assertFalse(PsCommand.named("web", "["), "Docker's daemon passes over a value that does not compile");
  }

  @Test
  void exposeMatchesTheExposedPortsPublishedOrNot() {
    Container c = withConfig("{\"Config\":{\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}}},\"HostConfig\":{},"
        + "\"Mounts\":[]}");
    assertTrue(PsCommand.exposes(c, "80"));
    assertTrue(PsCommand.exposes(c, "80/tcp"));
    assertTrue(PsCommand.exposes(c, "50-60/udp"));
    assertFalse(PsCommand.exposes(c, "53"), "53 is tcp without a protocol");
    assertFalse(PsCommand.exposes(c, "81-90"));
    assertFalse(PsCommand.exposes(Container.newBuilder().setId("c").build(), "80"));
  }

  @Test
  void mountsAreVolumeNamesAndBindSourcesCutAsDockersCliCutsThem() {
    Container c = withConfig("{\"Config\":{},\"HostConfig\":{},\"Mounts\":["
        + "{\"Type\":\"volume\",\"Name\":\"data\",\"Source\":\"/var/lib/berth/volumes/default/data/_data\"},"
        + "{\"Type\":\"bind\",\"Source\":\"/srv/www/static/files\"},"
        + "{\"Type\":\"tmpfs\",\"Source\":\"\",\"Destination\":\"/run\"}]}");
    assertEquals("data,/srv/www/stati…", ContainerRow.mounts(c, true));
    assertEquals("data,/srv/www/static/files", ContainerRow.mounts(c, false));
    Container other = Container.newBuilder().setId("c").putLabels(ContainerLabels.VOLUMES, "a,b").build();
    assertEquals("a,b", ContainerRow.mounts(other, true), "another client's record: the volumes label");
  }

  @Test
  void volumeMatchesAVolumeByNameABindByItsHostPathAndEitherWhereItIsMounted() {
    Container c = withConfig("{\"Config\":{},\"HostConfig\":{},\"Mounts\":["
        + "{\"Type\":\"volume\",\"Name\":\"data\",\"Source\":\"/var/lib/berth/volumes/default/data/_data\","
        + "\"Destination\":\"/data\"},"
        + "{\"Type\":\"bind\",\"Source\":\"/srv/www\",\"Destination\":\"/www\"}]}");
    for (String wanted : new String[] {"data", "/data", "/srv/www", "/www"}) {
      assertTrue(PsCommand.mountsVolume(c, wanted), wanted);
    }
    assertFalse(PsCommand.mountsVolume(c, "/var/lib/berth/volumes/default/data/_data"), "a volume by its name");
    assertFalse(PsCommand.mountsVolume(c, "/srv"));
    Container other = Container.newBuilder().setId("c").putLabels(ContainerLabels.VOLUMES, "a,b").build();
    assertTrue(PsCommand.mountsVolume(other, "b"), "another client's record: the volumes label");
  }
}
