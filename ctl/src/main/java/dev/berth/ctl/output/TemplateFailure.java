package dev.berth.ctl.output;

import dev.berth.ctl.CommandFailure;

/**
 * A template that cannot be read or run, with Go's words and position ({@code template: :1:2:
 * executing "" at <.Foo>: ...}): printed as it is, as
 * Docker's CLI prints it, so that scripts matching Docker's line match this one. Carries what the
 * template wrote before it failed (Docker's {@code version} and {@code info} print that) and the
 * exit code Docker's command gives (64 for an unreadable template in {@code inspect},
 * {@code version} and {@code info}, else 1).
 */
public final class TemplateFailure extends CommandFailure {
  private final String partial;
  private final int exitCode;

  TemplateFailure(String message, String partial, int exitCode) {
    super(message);
    this.partial = partial;
    this.exitCode = exitCode;
  }

  /** What the template wrote before it failed; empty for one that could not be read. */
  public String partial() {
    return partial;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The same failure after {@code prefix} (Docker's {@code template parsing error: }). */
  public TemplateFailure prefixed(String prefix) {
    return new TemplateFailure(prefix + getMessage(), partial, exitCode);
  }

  /** The same failure ending the command with {@code code}. */
  public TemplateFailure exiting(int code) {
    return new TemplateFailure(getMessage(), partial, code);
  }
}
