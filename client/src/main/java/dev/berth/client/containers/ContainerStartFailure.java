package dev.berth.client.containers;

import dev.berth.client.ClientException;

/** The runtime could not run the container's command; docker exits 126 or 127 for it. */
public final class ContainerStartFailure extends ClientException {
  private final int exitCode;

  public ContainerStartFailure(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
