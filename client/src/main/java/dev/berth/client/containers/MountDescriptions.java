package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.spec.MountRequest;
import dev.berth.client.spec.TmpfsSpec;
import dev.berth.client.spec.VolumeSpec;
import java.util.List;

/**
 * Docker's record of the mounts a container was asked for, beside {@code Mounts} (what it got):
 * {@code Config.Volumes}, the image's {@code VOLUME}s and {@code -v}'s anonymous volumes, and
 * {@code HostConfig.Mounts}, each {@code --mount} as Docker's {@code mount.Mount}.
 */
final class MountDescriptions {
  private MountDescriptions() {}

  /** {@code Config.Volumes}: {@code {"/data": {}}} for each path, null when there is none, as Docker's. */
  static void volumes(ObjectNode config, List<String> imageVolumes, List<MountRequest> volumeFlags) {
    ObjectNode volumes = config.objectNode();
    imageVolumes.forEach(path -> volumes.putObject(path));
    for (MountRequest m : volumeFlags) {
      if (m instanceof VolumeSpec v && v.kind() == VolumeSpec.Kind.ANONYMOUS) {
        volumes.putObject(v.target());
      }
    }
    if (volumes.isEmpty()) {
      config.putNull("Volumes");
    } else {
      config.set("Volumes", volumes);
    }
  }

  /** {@code HostConfig.Mounts}: the {@code --mount} flags' mounts, empty without one. */
  static void mounts(ObjectNode hostConfig, List<MountRequest> mountFlags) {
    ArrayNode mounts = hostConfig.putArray("Mounts");
    for (MountRequest m : mountFlags) {
      ObjectNode d = mounts.addObject();
      if (m instanceof TmpfsSpec t) {
        d.put("Type", "tmpfs").put("Source", "").put("Target", t.target()).put("ReadOnly", t.options().contains("ro"));
        ObjectNode options = d.objectNode();
        // in the order of Docker's fields, whichever order the flag gave them in
        t.options().stream().filter(o -> o.startsWith("size=")).forEach(o ->
            options.put("SizeBytes", Long.parseLong(o.substring("size=".length()))));
        t.options().stream().filter(o -> o.startsWith("mode=")).forEach(o ->
            options.put("Mode", Integer.parseInt(o.substring("mode=".length()), 8)));
        if (!options.isEmpty()) {
          d.set("TmpfsOptions", options);
        }
        continue;
      }
      VolumeSpec v = (VolumeSpec) m;
      boolean bind = v.kind() == VolumeSpec.Kind.BIND;
      d.put("Type", bind ? "bind" : "volume").put("Source", v.source()).put("Target", v.target())
          .put("ReadOnly", v.readOnly());
      if (bind && !v.propagation().equals(VolumeSpec.DEFAULT_PROPAGATION)) {
        d.putObject("BindOptions").put("Propagation", v.propagation());
      }
      if (!bind && (v.noCopy() || !v.volumeLabels().isEmpty() || !v.driverOptions().isEmpty())) {
        ObjectNode options = d.putObject("VolumeOptions");
        if (v.noCopy()) {
          options.put("NoCopy", true);
        }
        if (!v.volumeLabels().isEmpty()) {
          ObjectNode labels = options.putObject("Labels");
          v.volumeLabels().forEach(labels::put);
        }
        if (!v.driverOptions().isEmpty()) {
          ObjectNode driver = options.putObject("DriverConfig").put("Name", "local");
          ObjectNode driverOptions = driver.putObject("Options");
          v.driverOptions().forEach(driverOptions::put);
        }
      }
    }
  }
}
