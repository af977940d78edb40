package dev.berth.tasks;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;

/**
 * How large a container's log may grow, how many files it keeps and whether the older ones are
 * gzipped, from its labels (docker's {@code max-size}, {@code max-file} and {@code compress}); no
 * more than 0 bytes means no limit.
 */
record LogLimits(long maxBytes, int maxFiles, boolean compress) {
  static LogLimits of(Container container) {
    String size = label(container, ContainerLabels.LOG_MAX_SIZE);
    String files = label(container, ContainerLabels.LOG_MAX_FILE);
    long maxBytes;
    int maxFiles;
    try {
      maxBytes = size.isEmpty() ? 0 : Long.parseLong(size);
    } catch (NumberFormatException e) {
      throw Errors.invalidArgument("container %s: label %s=%s is not a number of bytes", container.getId(),
          ContainerLabels.LOG_MAX_SIZE, size);
    }
    try {
      maxFiles = files.isEmpty() ? 1 : Integer.parseInt(files);
    } catch (NumberFormatException e) {
      maxFiles = 0;
    }
    if (maxFiles < 1) {
      throw Errors.invalidArgument("container %s: label %s=%s is not a number of files", container.getId(),
          ContainerLabels.LOG_MAX_FILE, files);
    }
    return new LogLimits(maxBytes, maxFiles, label(container, ContainerLabels.LOG_COMPRESS).equals("true"));
  }

  /**
   * Whether berthd rotates the log: conmon keeps a single file, so with older files to keep it
   * gets only a backstop ({@link #monitorsLimit}).
   */
  boolean rotatedByBerthd() {
    return maxBytes > 0 && maxFiles > 1;
  }

  /**
   * The least limit conmon is given when berthd rotates. Each reopen berthd asks for starts
   * conmon's count again, so while berthd runs conmon never comes near its limit; it only bounds
   * the log while berthd is down, where conmon replaces the log with a new file, what it held
   * gone (writing into {@code <log>.1} after a rotation cut short, it keeps that and opens a new
   * log). 100 MiB lets a small max-size and a chatty container live through a restart of berthd
   * without a lost line.
   */
  static final long BACKSTOP_FLOOR = 100L << 20;

  /**
   * The size limit conmon keeps, starting the log again in a new file; 0 for none. With berthd
   * rotating, a backstop of ten times max-size (and at least {@link #BACKSTOP_FLOOR}): far enough
   * past where berthd rotates that a loaded berthd behind its writes does not meet it, near
   * enough that an outage costs a bounded share of the disk.
   */
  long monitorsLimit() {
    if (!rotatedByBerthd()) {
      return maxBytes;
    }
    long tenTimes = maxBytes > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : maxBytes * 10;
    return Math.max(tenTimes, BACKSTOP_FLOOR);
  }

  private static String label(Container container, String key) {
    return container.getLabelsMap().getOrDefault(key, "").strip();
  }
}
