package dev.berth.client.containers;

/** The runtime could not run the container's command; docker exits 126 or 127 for it. */
final class ContainerStartFailure extends CommandFailure {
  private final int exitCode;

  ContainerStartFailure(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
