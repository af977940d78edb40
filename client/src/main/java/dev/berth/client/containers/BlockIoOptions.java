package dev.berth.client.containers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.spec.BlockIoFlags;
import dev.berth.client.spec.BlockIoFlags.DeviceValue;
import dev.berth.client.spec.BlockIoFlags.Limit;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The block I/O flags of {@code create} and {@code run}: {@code --blkio-weight},
 * {@code --blkio-weight-device} and the four {@code --device-read-bps}-style limits. As Docker's
 * daemon, a limit this host's cgroups cannot set is dropped with its warning, and inspect shows it
 * dropped (a weight of 0, no devices); devices are found by their path when the spec is written.
 */
final class BlockIoOptions {
  private final int weight;
  private final List<DeviceValue> weightDevices;
  private final List<DeviceValue> readBps;
  private final List<DeviceValue> writeBps;
  private final List<DeviceValue> readIops;
  private final List<DeviceValue> writeIops;
  private final List<String> warnings;

  private BlockIoOptions(int weight, List<DeviceValue> weightDevices, List<DeviceValue> readBps,
      List<DeviceValue> writeBps, List<DeviceValue> readIops, List<DeviceValue> writeIops, List<String> warnings) {
    this.weight = weight;
    this.weightDevices = weightDevices;
    this.readBps = readBps;
    this.writeBps = writeBps;
    this.readIops = readIops;
    this.writeIops = writeIops;
    this.warnings = warnings;
  }

  static BlockIoOptions parse(ContainerOptions o) {
    List<String> warnings = new ArrayList<>();
    int weight = o.blkioWeight == null ? 0 : BlockIoFlags.weight(o.blkioWeight);
    if (weight > 0 && !Limit.WEIGHT.supported()) {
      warnings.add(Limit.WEIGHT.warning());
      weight = 0;
    }
    BlockIoFlags.requireWeightRange(weight);
    return new BlockIoOptions(weight,
        kept(Limit.WEIGHT_DEVICE, o.blkioWeightDevices, BlockIoFlags::weightDevice, warnings),
        kept(Limit.READ_BPS, o.deviceReadBps, t -> BlockIoFlags.bps("--device-read-bps", t), warnings),
        kept(Limit.WRITE_BPS, o.deviceWriteBps, t -> BlockIoFlags.bps("--device-write-bps", t), warnings),
        kept(Limit.READ_IOPS, o.deviceReadIops, t -> BlockIoFlags.iops("--device-read-iops", t), warnings),
        kept(Limit.WRITE_IOPS, o.deviceWriteIops, t -> BlockIoFlags.iops("--device-write-iops", t), warnings),
        warnings);
  }

  /** The flag's values, parsed; none if the host cannot set them (with the warning). */
  private static List<DeviceValue> kept(Limit limit, List<String> flags, Function<String, DeviceValue> parser,
      List<String> warnings) {
    List<DeviceValue> values = flags.stream().map(parser).toList();
    if (!values.isEmpty() && !limit.supported()) {
      warnings.add(limit.warning());
      return List.of();
    }
    // the devices are looked up now, so that a missing one is refused before anything is made
    values.forEach(d -> BlockIoFlags.deviceNumbers(d.path()));
    return values;
  }

  /** Docker's daemon's warnings for the limits dropped, without {@code WARNING: }. */
  List<String> warnings() {
    return warnings;
  }

  void applyTo(SpecBuilder spec) {
    if (weight == 0 && weightDevices.isEmpty() && readBps.isEmpty() && writeBps.isEmpty() && readIops.isEmpty()
        && writeIops.isEmpty()) {
      return;
    }
    List<Spec.WeightDevice> weights = weightDevices.stream().map(d -> {
      long[] numbers = BlockIoFlags.deviceNumbers(d.path());
      return new Spec.WeightDevice(numbers[0], numbers[1], (int) d.value());
    }).toList();
    spec.blockIO(new Spec.BlockIO(weight == 0 ? null : weight, weights, throttles(readBps), throttles(writeBps),
        throttles(readIops), throttles(writeIops)));
  }

  private static List<Spec.ThrottleDevice> throttles(List<DeviceValue> values) {
    return values.stream().map(d -> {
      long[] numbers = BlockIoFlags.deviceNumbers(d.path());
      return new Spec.ThrottleDevice(numbers[0], numbers[1], d.value());
    }).toList();
  }

  /** Docker's HostConfig fields. */
  void describe(ObjectNode h) {
    h.put("BlkioWeight", weight);
    ArrayNode weights = h.putArray("BlkioWeightDevice");
    weightDevices.forEach(d -> weights.addObject().put("Path", d.path()).put("Weight", d.value()));
    describe(h.putArray("BlkioDeviceReadBps"), readBps);
    describe(h.putArray("BlkioDeviceWriteBps"), writeBps);
    describe(h.putArray("BlkioDeviceReadIOps"), readIops);
    describe(h.putArray("BlkioDeviceWriteIOps"), writeIops);
  }

  private static void describe(ArrayNode array, List<DeviceValue> values) {
    values.forEach(d -> array.addObject().put("Path", d.path()).put("Rate", d.value()));
  }
}
