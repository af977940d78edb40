package dev.berth.client.containers;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import dev.berth.client.ClientException;
import dev.berth.client.NoSuchObjectException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The volumes a container being created mounts. Other clients work on the same volumes meanwhile:
 * two creations may make the same named volume at once, and {@code volume rm} or a prune may
 * remove a volume before the new container's record names it (until then nothing marks it used).
 */
final class ContainerVolumes {
  private final VolumesGrpc.VolumesBlockingStub volumes;

  ContainerVolumes(VolumesGrpc.VolumesBlockingStub volumes) {
    this.volumes = volumes;
  }

  /**
   * The volume named {@code name}, created with {@code options} and {@code labels} if it is new (or
   * unnamed); new ones are undone on failure. Options other than an existing volume's, and labels it
   * lacks, are refused, not ignored. A volume another client creates first is used as if it had
   * been there, as Docker does.
   */
  Volume volume(String name, Map<String, String> options, Map<String, String> labels, Deque<Runnable> undo) {
    try {
      if (!name.isEmpty()) {
        Volume existing = existing(name);
        if (existing != null) {
          return checked(existing, options, labels);
        }
      }
      // berthd labels an unnamed one anonymous, as Docker's daemon does
      CreateVolumeRequest request = CreateVolumeRequest.newBuilder().setName(name).putAllOptions(options)
          .putAllLabels(labels).build();
      Volume created;
      try {
        created = volumes.create(request).getVolume();
      } catch (StatusRuntimeException e) {
        Volume raced = !name.isEmpty() && e.getStatus().getCode() == Status.Code.ALREADY_EXISTS ? existing(name) : null;
        if (raced == null) {
          throw e;
        }
        return checked(raced, options, labels);
      }
      undo.push(() -> delete(created.getName()));
      return created;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw new ClientException("berthd does not serve volumes (berth.volumes.v1)", e);
      }
      throw e;
    }
  }

  /**
   * The anonymous volume {@code name} that {@code --volumes-from} brings from another container,
   * which must still be there: Docker's daemon looks it up and refuses in its words ({@code get
   * NAME: no such volume}) when it is gone, where making it anew would make it a named volume.
   */
  Volume inherited(String name) {
    Volume volume = existing(name);
    if (volume == null) {
      throw NoSuchObjectException.volume(name, null);
    }
    return volume;
  }

  /**
   * Which of {@code names} are gone. Asked once the container's record names them: from then on
   * berthd refuses to remove them, and its answer to a look-up waits for a removal under way.
   */
  List<String> removed(List<String> names) {
    List<String> gone = new ArrayList<>();
    for (String name : names) {
      if (existing(name) == null) {
        gone.add(name);
      }
    }
    return gone;
  }

  private static Volume checked(Volume existing, Map<String, String> options, Map<String, String> labels) {
    String name = existing.getName();
    if (!options.isEmpty() && !options.equals(existing.getOptionsMap())) {
      throw new ClientException("volume " + name + " already exists with other driver options ("
          + existing.getOptionsMap() + "): remove it or leave out volume-opt");
    }
    if (!existing.getLabelsMap().entrySet().containsAll(labels.entrySet())) {
      throw new ClientException("volume " + name + " already exists with other labels ("
          + existing.getLabelsMap() + "): remove it or leave out volume-label");
    }
    return existing;
  }

  /** The volume, or null if there is none of that name. */
  private Volume existing(String name) {
    try {
      return volumes.get(GetVolumeRequest.newBuilder().setName(name).build()).getVolume();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  /** Already gone is fine: a prune may have taken it first. */
  private void delete(String name) {
    try {
      volumes.delete(DeleteVolumeRequest.newBuilder().setName(name).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }
}
