package dev.berth.restart;

import java.util.Optional;

/**
 * A restart policy as Docker defines it, from the {@link RestartLabels#POLICY} label.
 * {@code maxRetries} bounds on-failure restarts; 0 means no bound.
 */
record RestartPolicy(Kind kind, int maxRetries) {
  enum Kind { NO, ALWAYS, ON_FAILURE, UNLESS_STOPPED }

  static final RestartPolicy NO = new RestartPolicy(Kind.NO, 0);

  /** The policy the label names; empty for text that names none (the container is then left alone). */
  static Optional<RestartPolicy> parse(String text) {
    if (text == null || text.isEmpty() || text.equals("no")) {
      return Optional.of(NO);
    }
    switch (text) {
      case "always":
        return Optional.of(new RestartPolicy(Kind.ALWAYS, 0));
      case "unless-stopped":
        return Optional.of(new RestartPolicy(Kind.UNLESS_STOPPED, 0));
      case "on-failure":
        return Optional.of(new RestartPolicy(Kind.ON_FAILURE, 0));
      default:
        if (text.startsWith("on-failure:") && text.substring("on-failure:".length()).matches("\\d{1,9}")) {
          return Optional.of(new RestartPolicy(Kind.ON_FAILURE, Integer.parseInt(text.substring("on-failure:".length()))));
        }
        return Optional.empty();
    }
  }

  /**
   * Docker's rules. A container the user stopped ({@code desiredStatus} not running) stays
   * stopped, except that {@code always} brings it back when the daemon starts; on-failure
   * restarts only after a non-zero exit and at most {@code maxRetries} times.
   *
   * @param exitStatus how the last task ended (255 when it vanished without a status)
   * @param restarts restarts done so far
   * @param daemonStart whether this is the check made when berthd starts
   */
  boolean wantsRestart(String desiredStatus, int exitStatus, int restarts, boolean daemonStart) {
    boolean running = RestartLabels.RUNNING.equals(desiredStatus);
    return switch (kind) {
      case NO -> false;
      case ALWAYS -> running || (daemonStart && RestartLabels.STOPPED.equals(desiredStatus));
      case UNLESS_STOPPED -> running;
      case ON_FAILURE -> running && exitStatus != 0 && (maxRetries == 0 || restarts < maxRetries);
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case NO -> "no";
      case ALWAYS -> "always";
      case UNLESS_STOPPED -> "unless-stopped";
      case ON_FAILURE -> maxRetries == 0 ? "on-failure" : "on-failure:" + maxRetries;
    };
  }
}
