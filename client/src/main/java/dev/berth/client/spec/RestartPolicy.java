package dev.berth.client.spec;

/**
 * Docker's {@code --restart} value: {@code no}, {@code always}, {@code unless-stopped}, or
 * {@code on-failure[:N]} (N retries at most; 0 or absent for no bound). {@link #toString()}
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

  @Override
  public String toString() {
    return mode == Mode.ON_FAILURE && maxRetries > 0 ? mode.text + ":" + maxRetries : mode.text;
  }
}
