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

  /**
   * The policy {@code text} names, read and then checked as Docker reads and checks {@code
   * --restart}: what its CLI cannot read (opts.ParseRestartPolicy) is an InvalidValueException in
   * its words, and a policy its daemon refuses (ValidateRestartPolicy) an {@link Invalid} in
   * that daemon's words. Empty is {@link #NO}, as Docker takes an empty policy.
   */
  public static RestartPolicy parse(String text) {
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    String count = colon < 0 ? "" : text.substring(colon + 1);
    if (colon == 0) {
      throw new InvalidValueException("invalid restart policy format: no policy provided before colon");
    }
    long retries = 0;
    if (!count.isEmpty()) {
      // Go's strconv.Atoi: a sign and decimal digits
      if (!count.matches("[+-]?\\d{1,18}")) {
        throw new InvalidValueException("invalid restart policy format: maximum retry count must be an integer");
      }
      retries = Long.parseLong(count);
    }
    if (name.isEmpty()) {
      return NO;
    }
    for (Mode mode : Mode.values()) {
      if (!mode.text.equals(name)) {
        continue;
      }
      if (mode != Mode.ON_FAILURE && retries != 0) {
        throw new Invalid("invalid restart policy: maximum retry count can only be used with 'on-failure'"
            + (retries < 0 ? " and cannot be negative" : ""));
      }
      if (retries < 0) {
        throw new Invalid("invalid restart policy: maximum retry count cannot be negative");
      }
      return new RestartPolicy(mode, (int) Math.min(retries, Integer.MAX_VALUE));
    }
    throw new Invalid("invalid restart policy: unknown policy '" + name + "'; use one of 'no', 'always', "
        + "'on-failure', or 'unless-stopped'");
  }

  /** A policy Docker's daemon refuses, in its words; clients print it as their daemon's refusal. */
  public static final class Invalid extends InvalidValueException {
    public Invalid(String message) {
      super(message);
    }
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
   * {@link ContainerLabels#RESTART_STATUS} label, {@link ContainerLabels#STOPPED}) stays stopped,
   * except that {@code always} brings it back when the daemon starts; one a failed restart left
   * stopped ({@link ContainerLabels#RESTART_FAILED}), or a failed start on request
   * ({@link ContainerLabels#START_FAILED}), was not stopped by its user, so when the
   * daemon starts every policy takes it up again, as Docker's daemon does on restore;
   * on-failure restarts only after a non-zero exit and at most {@code maxRetries} times.
   *
   * @param exitStatus how the last task ended (255 when it vanished without a status)
   * @param restarts restarts done so far
   * @param daemonStart whether this is the check made when the daemon starts
   */
  public boolean wantsRestart(String desiredStatus, int exitStatus, int restarts, boolean daemonStart) {
    boolean running = ContainerLabels.RUNNING.equals(desiredStatus)
        || (daemonStart && (ContainerLabels.RESTART_FAILED.equals(desiredStatus)
            || ContainerLabels.START_FAILED.equals(desiredStatus)));
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
