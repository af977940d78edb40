package dev.berth.metadata.introspection;

import static dev.berth.metadata.introspection.IntrospectionService.GRPC_PLUGIN;
import static dev.berth.metadata.introspection.IntrospectionService.SNAPSHOTTER_PLUGIN;
import static dev.berth.metadata.introspection.IntrospectionService.plugin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.Plugin;
import containerd.services.introspection.v1.PluginsRequest;
import containerd.services.introspection.v1.ServerResponse;
import dev.berth.metadata.MetadataTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntrospectionServiceTest {
  @TempDir Path root;

  private static ServerResponse server(MetadataTestServer s) {
    return IntrospectionGrpc.newBlockingStub(s.channel()).server(Empty.getDefaultInstance());
  }

  @Test
  void serverUuidSurvivesARestartOnTheSameRoot() throws Exception {
    String first;
    try (MetadataTestServer s = MetadataTestServer.start(root)) {
      ServerResponse answer = server(s);
      first = answer.getUuid();
      UUID.fromString(first);
      assertEquals(ProcessHandle.current().pid(), answer.getPid());
      assertTrue(answer.getPidns() > 0, "pid namespace inode from /proc/self/ns/pid");
    }
    try (MetadataTestServer s = MetadataTestServer.start(root)) {
      assertEquals(first, server(s).getUuid());
    }
    try (MetadataTestServer s = MetadataTestServer.start(root.resolve("elsewhere"))) {
      assertNotEquals(first, server(s).getUuid());
    }
  }

  @Test
  void aDamagedUuidFileStopsStartupInsteadOfChangingIdentity() throws Exception {
    Path file = root.resolve("introspection").resolve("uuid");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "not a uuid");
    assertThrows(IOException.class, () -> ServerIdentity.load(root));
    assertEquals("not a uuid", Files.readString(file));
  }

  @Test
  void pluginsListsWhatTheDaemonReportsFilteredByTypeAndId() throws Exception {
    List<Plugin> online = new CopyOnWriteArrayList<>(List.of(plugin(GRPC_PLUGIN, "content"), plugin(GRPC_PLUGIN, "images")));
    try (MetadataTestServer s = MetadataTestServer.start(root, List.of(), () -> List.copyOf(online))) {
      IntrospectionGrpc.IntrospectionBlockingStub introspection = IntrospectionGrpc.newBlockingStub(s.channel());
      assertEquals(online, introspection.plugins(PluginsRequest.getDefaultInstance()).getPluginsList());

      online.add(plugin(SNAPSHOTTER_PLUGIN, "overlayfs"));
      assertEquals(List.of(plugin(SNAPSHOTTER_PLUGIN, "overlayfs")), introspection.plugins(PluginsRequest.newBuilder()
          .addFilters("type==" + SNAPSHOTTER_PLUGIN).build()).getPluginsList());
      assertEquals(List.of(plugin(GRPC_PLUGIN, "images")), introspection.plugins(PluginsRequest.newBuilder()
          .addFilters("type==" + GRPC_PLUGIN + ",id==images").build()).getPluginsList());
      assertEquals(3, introspection.plugins(PluginsRequest.newBuilder()
          .addFilters("id==images").addFilters("type~=snapshotter").addFilters("id==content").build()).getPluginsCount());
    }
  }
}
