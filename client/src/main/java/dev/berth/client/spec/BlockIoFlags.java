package dev.berth.client.spec;

import dev.berth.client.ClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's block I/O flags ({@code --blkio-weight}, {@code --blkio-weight-device},
 * {@code --device-read-bps} and the other three limits), read as Docker's CLI reads them and in
 * its words, and which of them this host's cgroups can set, as Docker's daemon finds out (it
 * drops the others with a warning).
 */
public final class BlockIoFlags {
  /** A device by its path on the host, with a weight or a rate. */
  public record DeviceValue(String path, long value) {}

  /** What each flag sets and the cgroup v1 file that must be there for it, with Docker's warning when it is not. */
  public enum Limit {
    WEIGHT("blkio.weight",
        "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded."),
    WEIGHT_DEVICE("blkio.weight_device", "Your kernel does not support Block I/O weight_device or the cgroup is "
        + "not mounted. Weight-device discarded."),
    READ_BPS("blkio.throttle.read_bps_device", "Your kernel does not support BPS Block I/O read limit or the cgroup "
        + "is not mounted. Block I/O BPS read limit discarded."),
    WRITE_BPS("blkio.throttle.write_bps_device", "Your kernel does not support BPS Block I/O write limit or the "
        + "cgroup is not mounted. Block I/O BPS write limit discarded."),
    READ_IOPS("blkio.throttle.read_iops_device", "Your kernel does not support IOPS Block read limit or the cgroup "
        + "is not mounted. Block I/O IOPS read limit discarded."),
    WRITE_IOPS("blkio.throttle.write_iops_device", "Your kernel does not support IOPS Block write limit or the "
        + "cgroup is not mounted. Block I/O IOPS write limit discarded.");

    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    private final String v1File;
    private final String warning;

    Limit(String v1File, String warning) {
      this.v1File = v1File;
      this.warning = warning;
    }

    /**
     * Whether this host can set it: on cgroup v2 the io controller sets them all; on v1 its file
     * must be there (the weights are the CFQ and BFQ schedulers' and missing with the others).
     */
    public boolean supported() {
      Path controllers = CGROUPS.resolve("cgroup.controllers");
      if (Files.exists(controllers)) {
        try {
          return (" " + Files.readString(controllers).strip() + " ").contains(" io ");
        } catch (IOException e) {
          return false;
        }
      }
      return Files.exists(CGROUPS.resolve("blkio").resolve(v1File));
    }

    /** Docker's daemon's warning when it drops it, without {@code WARNING: }. */
    public String warning() {
      return warning;
    }
  }

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?");
  private static final Map<Character, Long> UNITS = Map.of('k', 1L << 10, 'm', 1L << 20, 'g', 1L << 30,
      't', 1L << 40, 'p', 1L << 50);

  private BlockIoFlags() {}

  /** {@code --blkio-weight}: Docker's CLI takes any 16-bit number; 0 is none. */
  public static int weight(String text) {
    try {
      int weight = Integer.parseInt(text);
      if (weight >= 0 && weight <= 0xFFFF) {
        return weight;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid("--blkio-weight", text, "expected a number from 10 to 1000, or 0 for none");
  }

  /** Docker's daemon's check of a weight it can set. */
  public static void requireWeightRange(int weight) {
    if (weight > 0 && (weight < 10 || weight > 1000)) {
      throw new ClientException("Range of blkio weight is from 10 to 1000");
    }
  }

  /** {@code --blkio-weight-device /dev/sda:300}: 10 to 1000, or 0. */
  public static DeviceValue weightDevice(String text) {
    String[] parts = devicePath("--blkio-weight-device", text);
    try {
      int weight = Integer.parseInt(parts[1]);
      if (weight == 0 || weight >= 10 && weight <= 1000) {
        return new DeviceValue(parts[0], weight);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid("--blkio-weight-device", text, "invalid weight for device: " + text);
  }

  /** {@code --device-read-bps /dev/sda:1mb} and {@code --device-write-bps}: a size as Docker's RAMInBytes reads it. */
  public static DeviceValue bps(String flag, String text) {
    String[] parts = devicePath(flag, text);
    Matcher m = SIZE.matcher(parts[1]);
    if (!m.matches()) {
      throw invalid(flag, text, "invalid rate for device: " + text + ". The correct format is "
          + "<device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb");
    }
    double number = Double.parseDouble(m.group(1));
    long unit = m.group(2) == null ? 1 : UNITS.get(Character.toLowerCase(m.group(2).charAt(0)));
    return new DeviceValue(parts[0], (long) (number * unit));
  }

  /** {@code --device-read-iops /dev/sda:1000} and {@code --device-write-iops}. */
  public static DeviceValue iops(String flag, String text) {
    String[] parts = devicePath(flag, text);
    if (!parts[1].matches("\\d{1,19}")) {
      throw invalid(flag, text, "invalid rate for device: " + text
          + ". The correct format is <device-path>:<number>. Number must be a positive integer");
    }
    return new DeviceValue(parts[0], Long.parseLong(parts[1]));
  }

  /** The host device's major and minor number, as Docker's daemon stats the path when it writes the spec. */
  public static long[] deviceNumbers(String path) {
    try {
      long rdev = (Long) Files.readAttributes(Path.of(path), "unix:rdev").get("rdev");
      return new long[] {HostDevices.major(rdev), HostDevices.minor(rdev)};
    } catch (NoSuchFileException e) {
      throw new ClientException("stat " + path + ": no such file or directory");
    } catch (IOException e) {
      throw new ClientException("stat " + path + ": " + e.getMessage());
    }
  }

  private static String[] devicePath(String flag, String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw invalid(flag, text, "bad format: " + text);
    }
    if (!text.startsWith("/dev/")) {
      throw invalid(flag, text, "bad format for device path: " + text);
    }
    return new String[] {text.substring(0, colon), text.substring(colon + 1)};
  }

  /** Docker's CLI's words for a flag value its parser refuses. */
  private static ClientException invalid(String flag, String text, String why) {
    return new ClientException("invalid argument \"" + text + "\" for \"" + flag + "\" flag: " + why);
  }
}
