package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.DetachRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import berth.network.v1.PortMapping;
import com.fasterxml.jackson.databind.JsonNode;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import dev.berth.api.network.testing.InMemoryNetworkManager;
import dev.berth.network.NetworkServices;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a container's network labels make the task manager ask of the network service, and what
 * it does with the answers, over the real Networks and Attachments services in front of a
 * network manager without a kernel and a runtime without processes. Whether the network then
 * works inside the container is {@link NetworkedTaskKernelTest}'s business.
 */
class NetworkedTaskTest {
  @RegisterExtension
  final FakeTaskRig rig = new FakeTaskRig(api());

  private static BindableService[] api() {
    List<BindableService> api = new ArrayList<>(
        NetworkServices.of(new InMemoryNetworkManager(), (namespace, topic, event) -> { }));
    api.add(new DefaultNamespaceOnly());
    return api.toArray(BindableService[]::new);
  }

  private AttachmentsGrpc.AttachmentsBlockingStub attachments() {
    return AttachmentsGrpc.newBlockingStub(rig.api());
  }

  private List<Attachment> listAttachments() {
    return attachments().list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsList();
  }

  private void create(String id) {
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).build());
  }

  private JsonNode spec(String id) throws Exception {
    return Specs.JSON.readTree(rig.bundle(id).resolve("config.json").toFile());
  }

  @Test
  void theLabelsAttachmentIsWhatTheSpecUses() throws Exception {
    NetworksGrpc.newBlockingStub(rig.api()).create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("appnet").setSubnet("10.201.7.0/24")).build());
    rig.container("web", Map.of("io.berth.network", "appnet", "io.berth.ports", "8080:80, 127.0.0.1:0:53/udp",
        "io.berth.hostname", "web-1", "io.berth.ip", "10.201.7.42", "io.berth.dns", "192.0.2.1",
        "io.berth.dns-search", "example.com", "io.berth.add-hosts", "db:10.0.0.5"));
    create("web");

    Attachment a = listAttachments().get(0);
    assertEquals("appnet", a.getNetwork());
    assertEquals("10.201.7.42/24", a.getResult().getIps(0).getAddress());
    List<PortMapping> ports = a.getPortMappingsList();
    assertEquals(8080, ports.get(0).getHostPort());
    assertEquals(80, ports.get(0).getContainerPort());
    assertEquals("127.0.0.1", ports.get(1).getHostIp());
    assertTrue(ports.get(1).getHostPort() > 0, "a host port was chosen");
    assertEquals("udp", ports.get(1).getProtocol());
    JsonNode spec = spec("web");
    assertEquals(a.getNetnsPath(), Specs.networkNamespace(spec).path("path").asText());
    assertEquals("web-1", spec.path("hostname").asText());
    assertEquals(a.getFiles().getHosts(), Specs.mountSource(spec, "/etc/hosts"));
    assertEquals(a.getFiles().getHostname(), Specs.mountSource(spec, "/etc/hostname"));
    assertEquals(a.getFiles().getResolvConf(), Specs.mountSource(spec, "/etc/resolv.conf"));

    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("web").build());
    assertEquals(List.of(), listAttachments());
  }

  @Test
  void refusedAttachmentsFailCreateAndLeaveNothing() {
    rig.container("badports", Map.of("io.berth.network", "bridge", "io.berth.ports", "8080:80,80:http"));
    StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> create("badports"));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    assertTrue(bad.getStatus().getDescription().contains("80:http"), bad.getStatus().getDescription());

    rig.container("nowhere", Map.of("io.berth.network", "no-such-network"));
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> create("nowhere"));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

    assertEquals(List.of(), listAttachments());
    assertFalse(Files.exists(rig.bundle("badports")));
    assertFalse(Files.exists(rig.bundle("nowhere")));
  }

  @Test
  void anAttachmentLeftByAnEarlierTaskIsReplaced() throws Exception {
    attachments().attach(AttachRequest.newBuilder().setContainerId("again").setNetwork("none")
        .putLabels("io.berth.attached-by", "tasks").build());
    rig.container("again", Map.of("io.berth.hostname", "second"));
    create("again");
    assertEquals("second", spec("again").path("hostname").asText());
    assertEquals(List.of("bridge"), listAttachments().stream().map(Attachment::getNetwork).toList());
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("again").build());
    assertEquals(List.of(), listAttachments());
  }

  @Test
  void anAttachmentOfSomeoneElseIsNotReplaced() {
    attachments().attach(AttachRequest.newBuilder().setContainerId("taken").setNetwork("none").build());
    rig.container("taken", Map.of("io.berth.hostname", "mine"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> create("taken"));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals(List.of("none"), listAttachments().stream().map(Attachment::getNetwork).toList());
  }

  @Test
  void attachmentsNoTaskHoldsAreDetachedWhenTheManagerStarts() {
    attachments().attach(AttachRequest.newBuilder().setContainerId("ghost").setNetwork("none")
        .putLabels("io.berth.attached-by", "tasks").build());
    attachments().attach(AttachRequest.newBuilder().setContainerId("someone-elses").setNetwork("none").build());
    rig.container("held", Map.of("io.berth.network", "none"));
    create("held");
    rig.manager.detachOrphanedAttachments();
    assertEquals(List.of("someone-elses", "held"),
        listAttachments().stream().map(Attachment::getContainerId).toList(),
        "only what tasks attached, and no task holds, goes");
    attachments().detach(DetachRequest.newBuilder().setContainerId("someone-elses").build());
  }
}
