package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import dev.berth.client.spec.DeviceCgroupRules;
import dev.berth.client.spec.HostCpus;
import dev.berth.client.spec.SpecBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Docker's flags that reach past the container's process to its runtime and drivers:
 * {@code --cpuset-mems}, {@code --device-cgroup-rule}, {@code --annotation} (into the OCI spec),
 * {@code --storage-opt}, {@code --volume-driver} and {@code --gpus}. Each is checked as Docker's
 * CLI and daemon check it, in their words; what Berth's drivers cannot do is refused as Docker
 * refuses it without such a driver.
 */
final class HostConfigFlags {
  static final String LOCAL_DRIVER = "local";

  private final String cpusetMems;
  private final List<String> deviceCgroupRules;
  private final Map<String, String> annotations;
  private final Map<String, String> storageOpts;
  private final String volumeDriver;
  private final List<DeviceRequests.Request> gpus;

  private HostConfigFlags(String cpusetMems, List<String> deviceCgroupRules, Map<String, String> annotations,
      Map<String, String> storageOpts, String volumeDriver, List<DeviceRequests.Request> gpus) {
    this.cpusetMems = cpusetMems;
    this.deviceCgroupRules = deviceCgroupRules;
    this.annotations = annotations;
    this.storageOpts = storageOpts;
    this.volumeDriver = volumeDriver;
    this.gpus = gpus;
  }

  static HostConfigFlags parse(ContainerOptions o) {
    String mems = o.cpusetMems == null || o.cpusetMems.isEmpty() ? null : HostCpus.cpusetMems(o.cpusetMems);
    o.deviceCgroupRules.forEach(DeviceCgroupRules::parse);
    Map<String, String> annotations = new TreeMap<>();
    for (String a : o.annotations) {
      // Docker's CLI: KEY=VALUE, or KEY alone for an empty value
      int equals = a.indexOf('=');
      annotations.put(equals < 0 ? a : a.substring(0, equals), equals < 0 ? "" : a.substring(equals + 1));
    }
    if (annotations.containsKey("")) {
      throw new InvalidParameterException("invalid Annotations: the empty string is not permitted as an annotation key");
    }
    Map<String, String> storageOpts = new TreeMap<>();
    for (String s : o.storageOpts) {
      int equals = s.indexOf('=');
      if (equals < 0) {
        throw new ClientException("invalid storage option");
      }
      storageOpts.put(s.substring(0, equals), s.substring(equals + 1));
    }
    List<DeviceRequests.Request> gpus = o.gpus.stream().map(DeviceRequests::parse).toList();
    return new HostConfigFlags(mems, List.copyOf(o.deviceCgroupRules), annotations, storageOpts,
        o.volumeDriver == null ? "" : o.volumeDriver, gpus);
  }

  /**
   * What Docker's overlay2 driver refuses when it makes the container's layer: a size, which
   * needs project quotas (overlay over xfs with {@code pquota}) that Berth's snapshotter does
   * not set, and any other key.
   */
  void refuseStorageOpts() {
    if (storageOpts.containsKey("size")) {
      throw new InvalidParameterException(
          "--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
    }
    if (!storageOpts.isEmpty()) {
      throw new InvalidParameterException("Unknown option " + storageOpts.keySet().iterator().next()
          .toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Refuses a driver other than local for a volume {@code -v} or the image makes ({@code volume}
   * its name, empty for an anonymous one), as Docker's daemon refuses a plugin it cannot find.
   */
  void refuseVolumeDriver(String volume) {
    if (!volumeDriver.isEmpty() && !volumeDriver.equals(LOCAL_DRIVER)) {
      throw new InvalidParameterException((volume.isEmpty() ? "" : "create " + volume + ": ")
          + "error looking up volume plugin " + volumeDriver + ": plugin \"" + volumeDriver + "\" not found");
    }
  }

  void applyTo(SpecBuilder spec) {
    if (cpusetMems != null) {
      spec.cpusetMems(cpusetMems);
    }
    spec.deviceRules(deviceCgroupRules.stream().map(DeviceCgroupRules::parse).toList());
    spec.annotations(annotations);
  }

  /** Docker's HostConfig fields; those Docker leaves out when empty are left out. */
  void describe(ObjectNode h) {
    h.put("CpusetMems", cpusetMems == null ? "" : cpusetMems);
    if (deviceCgroupRules.isEmpty()) {
      h.putNull("DeviceCgroupRules");
    } else {
      ArrayNode rules = h.putArray("DeviceCgroupRules");
      deviceCgroupRules.forEach(rules::add);
    }
    if (!annotations.isEmpty()) {
      ObjectNode node = h.putObject("Annotations");
      annotations.forEach(node::put);
    }
    if (!storageOpts.isEmpty()) {
      ObjectNode node = h.putObject("StorageOpt");
      storageOpts.forEach(node::put);
    }
    h.put("VolumeDriver", volumeDriver);
    DeviceRequests.describe(h, gpus);
  }
}
