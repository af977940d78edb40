package dev.berth.restart;

/**
 * The container labels the restart monitor reads and writes. Policy, desired status and log
 * destination are containerd's own restart labels, so containers made by containerd's clients
 * behave the same here; the restart count, start time and auto-removal are Berth's.
 */
public final class RestartLabels {
  /** {@code no}, {@code always}, {@code on-failure[:N]} or {@code unless-stopped}. */
  public static final String POLICY = "containerd.io/restart.policy";
  /**
   * What the user last asked for: {@value #RUNNING} (set by the client once it has started the
   * task) or {@value #STOPPED} (set by the client before it stops the task, so that the exit is
   * not taken for a crash).
   */
  public static final String STATUS = "containerd.io/restart.status";
  public static final String RUNNING = "running";
  public static final String STOPPED = "stopped";
  /** How often the monitor restarted the container since a client last started it (clients reset it). */
  public static final String COUNT = "io.berth.restart-count";
  /** Where a restarted task's output goes, as a URI the Tasks API takes (e.g. {@code file:///path}). */
  public static final String LOG_URI = "containerd.io/restart.loguri";
  /** containerd's older form of {@link #LOG_URI}: a file path. */
  public static final String LOG_PATH = "containerd.io/restart.logpath";
  /** When the container's task was last started, as {@link java.time.Instant#toString()} writes it (as clients do). */
  public static final String STARTED_AT = "io.berth.started-at";
  /**
   * {@value #TRUE}: once the container's process has ended and its policy does not restart it,
   * the monitor removes the container (task, record and snapshot), as Docker's daemon does for
   * {@code docker run -d --rm}.
   */
  public static final String AUTO_REMOVE = "io.berth.auto-remove";
  public static final String TRUE = "true";

  private RestartLabels() {}
}
