package dev.berth.tasks;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;

/**
 * How large a container's log may grow and how many files it keeps, from its labels (docker's
 * {@code max-size} and {@code max-file}); no more than 0 bytes means no limit.
 */
record LogLimits(long maxBytes, int maxFiles) {
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
    return new LogLimits(maxBytes, maxFiles);
  }

  /**
   * Whether berthd rotates the log: conmon keeps a single file, so with older files to keep it
   * gets no size limit of its own.
   */
  boolean rotatedByBerthd() {
    return maxBytes > 0 && maxFiles > 1;
  }

  /** The size limit conmon keeps, starting the log again in the same file; 0 for none. */
  long monitorsLimit() {
    return rotatedByBerthd() ? 0 : maxBytes;
  }

  private static String label(Container container, String key) {
    return container.getLabelsMap().getOrDefault(key, "").strip();
  }
}
