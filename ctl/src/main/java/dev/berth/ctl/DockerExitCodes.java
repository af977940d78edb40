package dev.berth.ctl;

/**
 * Marks a command that exits as docker's does: 125 when berthd or the client fails (a bad flag
 * value, an unknown container or image, a refused request) rather than berthctl's usual 1, so
 * that scripts written for docker read the same codes. Usage errors picocli finds (an unknown
 * option, a missing argument) stay 2 in every command.
 */
public interface DockerExitCodes {
  int FAILURE = 125;
}
