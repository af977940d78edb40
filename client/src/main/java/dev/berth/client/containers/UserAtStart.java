package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.ClientException;
import dev.berth.client.spec.SpecJson;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.UnknownUserException;
import dev.berth.client.spec.UserResolver;
import io.grpc.Channel;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves, as a container starts, the user its create left to the start
 * ({@link ContainerLabels#USER_AT_START}), as Docker's daemon resolves a container's user when it
 * starts: the container's /etc/passwd and /etc/group are read, the ids written into the record's
 * spec and the label removed, so later starts (the restart monitor's too) run with them.
 */
public final class UserAtStart {
  private UserAtStart() {}

  /**
   * Resolves the container's user if it waits for its start; a name still missing fails with
   * Docker's words as a FAILED_PRECONDITION status, before any task is made, so that the start's
   * callers record and report it as any refused start.
   */
  public static void resolve(Channel channel, ContainerState s) {
    Container record = s.record();
    String user = record.getLabelsMap().getOrDefault(ContainerLabels.USER_AT_START, "");
    if (user.isEmpty()) {
      return;
    }
    ObjectNode spec = SpecJson.tree(record);
    ObjectNode ids = spec.withObject("/process/user");
    Spec.User resolved;
    try {
      List<String> groupAdd = new ArrayList<>();
      ContainerConfig.of(record).hostConfig().path("GroupAdd").forEach(g -> groupAdd.add(g.asText()));
      resolved = resolveInSnapshot(channel, record, unresolved(ids), user, groupAdd);
    } catch (UnknownUserException e) {
      throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
    } catch (IOException e) {
      throw new ClientException("cannot mount container " + record.getId() + " to read its users: "
          + e.getMessage(), e);
    }
    ids.put("uid", resolved.uid());
    ids.put("gid", resolved.gid());
    ArrayNode groups = ids.putArray("additionalGids");
    resolved.additionalGids().forEach(groups::add);
    Container.Builder update = Container.newBuilder().setId(record.getId())
        .setSpec(record.getSpec().toBuilder().setValue(ByteString.copyFrom(SpecJson.bytes(spec))));
    ContainersGrpc.newBlockingStub(channel).update(UpdateContainerRequest.newBuilder().setContainer(update)
        .setUpdateMask(FieldMask.newBuilder().addPaths("spec").addPaths("labels." + ContainerLabels.USER_AT_START))
        .build());
  }

  /**
   * Reads the files where Docker reads them, in the container's own file system (a file {@code cp}
   * wrote counts): its snapshot, mounted here for the moment, as the task will mount it next.
   */
  private static Spec.User resolveInSnapshot(Channel channel, Container record, Spec.User unresolved, String user,
      List<String> groupAdd) throws IOException {
    List<Mount> mounts = SnapshotsGrpc.newBlockingStub(channel).mounts(MountsRequest.newBuilder()
        .setSnapshotter(record.getSnapshotter()).setKey(record.getSnapshotKey()).build()).getMountsList();
    Path dir = Files.createTempDirectory("berthctl-user");
    boolean mounted = false;
    try {
      for (Mount m : mounts) {
        HostCommands.mount(m, dir);
        mounted = true;
      }
      RootfsFiles files = RootfsFiles.directory(dir);
      Spec.User resolved = UserResolver.withOwnGroup(UserResolver.resolveOver(unresolved, user, files));
      // Docker's --group-add names, looked up with the user as Docker's daemon looks them up
      List<Long> groups = new ArrayList<>(resolved.additionalGids());
      for (String group : groupAdd) {
        long gid = UserResolver.groupId(group, files);
        if (!groups.contains(gid)) {
          groups.add(gid);
        }
      }
      return new Spec.User(resolved.uid(), resolved.gid(), groups);
    } finally {
      if (mounted) {
        HostCommands.unmount(dir);
      }
      Files.delete(dir);
    }
  }

  private static Spec.User unresolved(ObjectNode user) {
    List<Long> groups = new ArrayList<>();
    user.path("additionalGids").forEach(g -> groups.add(g.asLong()));
    return new Spec.User(user.path("uid").asLong(), user.path("gid").asLong(), groups);
  }
}
