package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedOutputStream;
import containerd.services.introspection.v1.Plugin;
import containerd.services.introspection.v1.PluginsResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-read PluginsResponse against what protobuf itself writes and reads. */
class PluginExportsTest {
  private static Map<String, String> read(byte[] response) {
    return new PluginExports.FirstPluginsExports().parse(new ByteArrayInputStream(response));
  }

  @Test
  void theFirstPluginsExportsAreReadAsProtobufWritesThem() {
    PluginsResponse response = PluginsResponse.newBuilder()
        .addPlugins(Plugin.newBuilder().setType("io.containerd.grpc.v1").setId("version")
            .putExports("java_version", "17.0.15").putExports("os", "linux").addRequires("other"))
        .addPlugins(Plugin.newBuilder().setId("second").putExports("os", "not this one"))
        .build();
    assertEquals(Map.of("java_version", "17.0.15", "os", "linux"), read(response.toByteArray()));
    assertEquals(Map.of(), read(PluginsResponse.getDefaultInstance().toByteArray()));
  }

  @Test
  void fieldsOfAnotherWireTypeAreSkippedAsProtobufSkipsThem() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    // field 1 (plugins) as a varint: no plugin, as protobuf's own parser reads it
    out.writeUInt64(1, 7);
    Plugin plugin = Plugin.newBuilder().putExports("os", "linux").build();
    out.writeByteArray(1, plugin.toByteArray());
    out.flush();
    assertEquals(PluginsResponse.parseFrom(bytes.toByteArray()).getPlugins(0).getExportsMap(),
        read(bytes.toByteArray()));
  }
}
