package dev.berth.restart;

/** Why a container is looked at; a later constant allows more, so two pending reasons merge into the later. */
enum Trigger {
  /** Its task exited (an exit event, or a sweep found the task stopped). A task someone deleted is left alone. */
  EXIT,
  /** The monitor's own restart failed: the task may be absent and the container still wants to run. */
  RETRY,
  /** berthd started: a missing task counts as ended, and {@code always} comes back even after a stop. */
  DAEMON_START;

  Trigger or(Trigger other) {
    return other == null || other.ordinal() < ordinal() ? this : other;
  }
}
