package dev.berth.client.build;

import dev.berth.client.ClientException;

/**
 * A step failed once the build's output had begun (a RUN's command exited non-zero, a COPY found no
 * file): Docker's CLI prints the message bare and exits with the code.
 */
public final class BuildStepException extends ClientException {
  private final int exitCode;

  public BuildStepException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
