package dev.berth.api.labels;

import dev.berth.api.InvalidValueException;
import java.util.Map;
import java.util.Optional;

/**
 * A restart policy as Docker defines it, Docker's {@code --restart} value and the
 * {@link ContainerLabels#RESTART_POLICY} label: {@code no}, {@code always}, {@code unless-stopped},
 * or {@code on-failure[:N]} (N retries at most; 0 or absent for no bound). {@link #toString()}
 * gives the same text back.
 */
public record RestartPolicy(Mode mode, int maxRetries) {
  public static final RestartPolicy NO = new RestartPolicy(Mode.NO, 0);

  public enum Mode {
    NO("no"), ON_FAILURE("on-failure"), ALWAYS("always"), UNLESS_STOPPED("unless-stopped");

    private final String text;

    Mode(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** The policy {@code text} names; InvalidValueException saying what is wrong otherwise. */
  public static RestartPolicy parse(String text) {
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    for (Mode mode : Mode.values()) {
      if (!mode.text.equals(name)) {
        continue;
      }
      if (colon < 0) {
        return new RestartPolicy(mode, 0);
      }
      if (mode != Mode.ON_FAILURE) {
        throw InvalidValueException.of("restart policy", text, "only on-failure takes a retry count");
      }
      String count = text.substring(colon + 1);
      if (!count.matches("\\d{1,9}")) {
        throw InvalidValueException.of("restart policy", text, "\"" + count + "\" is not a retry count");
      }
      return new RestartPolicy(mode, Integer.parseInt(count));
    }
    throw InvalidValueException.of("restart policy", text, "expected no, always, unless-stopped or on-failure[:N]");
  }

  /**
   * The policy a container's label names, {@link #NO} when it has none (null or empty); empty
   * for text that names none, written by a client that checked nothing (berthd then leaves the
   * container alone rather than guess).
   */
  public static Optional<RestartPolicy> fromLabel(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.of(NO);
    }
    try {
      return Optional.of(parse(value));
    } catch (InvalidValueException e) {
      return Optional.empty();
    }
  }

  /**
   * Docker's rules. A container the user stopped ({@code desiredStatus}, the
   * {@link ContainerLabels#RESTART_STATUS} label, not running) stays stopped, except that
   * {@code always} brings it back when the daemon starts; on-failure restarts only after a
   * non-zero exit and at most {@code maxRetries} times.
   *
   * @param exitStatus how the last task ended (255 when it vanished without a status)
   * @param restarts restarts done so far
   * @param daemonStart whether this is the check made when the daemon starts
   */
  public boolean wantsRestart(String desiredStatus, int exitStatus, int restarts, boolean daemonStart) {
    boolean running = ContainerLabels.RUNNING.equals(desiredStatus);
    return switch (mode) {
      case NO -> false;
      case ALWAYS -> running || (daemonStart && ContainerLabels.STOPPED.equals(desiredStatus));
      case UNLESS_STOPPED -> running;
      case ON_FAILURE -> running && exitStatus != 0 && (maxRetries == 0 || restarts < maxRetries);
    };
  }

  /** The restarts a container's labels count ({@link ContainerLabels#RESTART_COUNT}); 0 without a count. */
  public static int restartCount(Map<String, String> labels) {
    String count = labels.getOrDefault(ContainerLabels.RESTART_COUNT, "0");
    return count.matches("\\d{1,9}") ? Integer.parseInt(count) : 0;
  }

  @Override
  public String toString() {
    return mode == Mode.ON_FAILURE && maxRetries > 0 ? mode.text + ":" + maxRetries : mode.text;
  }
}
