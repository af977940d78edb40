package dev.berth.ctl;

/**
 * Marks a command that exits as docker's does: 125 when berthd or the client fails (a bad flag
 * value, an unknown container or image, a refused request) rather than berthctl's usual 1, so
 * that scripts written for docker read the same codes. Usage errors (an unknown flag, a missing
 * argument) exit 125 in every command, as in docker (see {@link UsageErrors}).
 */
public interface DockerExitCodes {
  int FAILURE = 125;
}
