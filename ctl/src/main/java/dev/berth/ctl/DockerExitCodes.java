package dev.berth.ctl;

/**
 * Marks a command whose failures exit and print as docker's {@code run} and {@code create} do:
 * 125 when berthctl or berthd fails before the container's process runs (a bad flag value, an
 * unknown image, a refused request), so that scripts written for docker read the same codes, and
 * {@code berthctl: MESSAGE.} with where help is, as docker's {@code reportError} prints it. Docker's
 * other commands exit 1 when they fail and print the error alone, as berthctl's unmarked commands
 * do; usage errors (an unknown flag, a missing argument) exit 125 in every command, as in docker
 * (see {@link UsageErrors}).
 */
public interface DockerExitCodes {
  int FAILURE = 125;

  /** How a failure is printed (see {@link ErrorHandler}). */
  enum Form {
    /** As every other command prints it (see {@link ErrorHandler}). */
    PLAIN,
    /** {@code berthctl: MESSAGE.}, then {@code See 'berthctl run --help'.} */
    WITH_HELP,
    /** {@code berthctl: MESSAGE.} alone: docker's run for a container that would not start. */
    WITHOUT_HELP
  }

  /** The exit code for {@code failure}: 125 unless the command says otherwise. */
  default int failureCode(Exception failure) {
    return FAILURE;
  }

  /** How {@code failure} is printed: docker gives each 125 of its run and create the help line. */
  default Form form(Exception failure) {
    return failureCode(failure) == FAILURE ? Form.WITH_HELP : Form.PLAIN;
  }
}
