package dev.berth.ctl;

/**
 * Marks a command whose failures exit as docker's {@code run} and {@code create} do: 125 when
 * berthctl or berthd fails before the container's process runs (a bad flag value, an unknown
 * image, a refused request), so that scripts written for docker read the same codes. Docker's
 * other commands exit 1 when they fail, as berthctl's unmarked commands do; usage errors (an
 * unknown flag, a missing argument) exit 125 in every command, as in docker (see {@link UsageErrors}).
 */
public interface DockerExitCodes {
  int FAILURE = 125;

  /** The exit code for {@code failure}: 125 unless the command says otherwise. */
  default int failureCode(Exception failure) {
    return FAILURE;
  }
}
