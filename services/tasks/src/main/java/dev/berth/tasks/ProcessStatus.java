package dev.berth.tasks;

/** Where a process is in its life, as clients see it; PAUSING while a pause is under way. */
public enum ProcessStatus {
  CREATED,
  RUNNING,
  PAUSING,
  PAUSED,
  STOPPED
}
