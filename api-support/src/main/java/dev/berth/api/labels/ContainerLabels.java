package dev.berth.api.labels;

import java.util.Map;

/**
 * The labels on a container record by which clients describe the container to berthd and berthd
 * records what happened to it. The services act on them (the tasks service attaches the network,
 * the volumes service counts users, the restart monitor restarts), so every client that writes
 * them gets the same behaviour. Keys are spelled here only: the CLI that writes them and the
 * services that read them share these constants.
 */
public final class ContainerLabels {
  /** The container's name, unique in its namespace. */
  public static final String NAME = "io.berth.name";
  /**
   * Docker's {@code -u} as given, when a name in it was not in the image's /etc/passwd or
   * /etc/group at create: the client that starts the container resolves it then through the
   * container's own files, as Docker's daemon does, and writes the ids into the spec (whose process runs as the overflow ids 65534
   * until then), removing the label.
   */
  public static final String USER_AT_START = "io.berth.user-at-start";
  /** Which client made the record. */
  public static final String CREATED_BY = "io.berth.created-by";
  /** {@code bridge} (default), {@code host}, {@code none}, {@code container:<id>} or a network's name. */
  public static final String NETWORK = "io.berth.network";
  /**
   * {@code container:<id>}: the container joins the PID namespace of that container's running
   * task, looked up by the tasks service at each task create (Docker's {@code --pid
   * container:NAME}, which Docker's daemon records by id too); {@code process:<pid>:<start-time>}:
   * the container joins the PID namespace of that process, which must be found under that PID with
   * that start time (clock ticks after boot, /proc/PID/stat's 22nd field) at each task create (the
   * CRI's pods' PID namespace holders).
   */
  public static final String PID = "io.berth.pid";
  /**
   * {@code shareable}: the container's /dev/shm is a tmpfs berthd keeps on the host, so that others
   * may join its IPC namespace and share it (Docker's {@code --ipc shareable}); {@code
   * container:<id>}: the container joins the IPC namespace and /dev/shm of that container's running
   * task, looked up by the tasks service at each task create (Docker's {@code --ipc container:NAME}).
   */
  public static final String IPC = "io.berth.ipc";
  /** {@link #IPC}'s value for a container others may join. */
  public static final String IPC_SHAREABLE = "shareable";
  /** The prefix of {@link #PID}'s and {@link #IPC}'s value naming the container to join. */
  public static final String JOINED_CONTAINER_PREFIX = "container:";
  /** The prefix of {@link #PID}'s value naming the process, by its PID and start time, to join. */
  public static final String JOINED_PROCESS_PREFIX = "process:";
  /** Published ports, a {@link LabelLists list} of {@link PortSpec#parseLabel label-form port mappings}. */
  public static final String PORTS = "io.berth.ports";
  public static final String HOSTNAME = "io.berth.hostname";
  /** The container's address on its (bridge) network; the next free one without it. */
  public static final String IP = "io.berth.ip";
  /** The container's IPv6 address on its network (which has IPv6); the next free one without it. */
  public static final String IP6 = "io.berth.ip6";
  /** The MAC address of the container's interface on its (bridge) network; the kernel's random one without it. */
  public static final String MAC_ADDRESS = "io.berth.mac-address";
  /**
   * More addresses of the container's interface on its (bridge) network (Docker's
   * {@code --link-local-ip}), a {@link LabelLists list} of IPv4 and IPv6 addresses.
   */
  public static final String LINK_LOCAL_IPS = "io.berth.link-local-ips";
  /**
   * {@link #TRUE} when the container's first network was given an endpoint IPAM config without
   * addresses, as Docker's CLI gives one on every {@code network connect} (inspect shows {@code {}},
   * not {@code null}): the first network a container left without any was connected to, or a
   * connected one that became the first.
   */
  public static final String IPAM_CONFIG = "io.berth.ipam-config";
  /** Resolvers, a {@link LabelLists list} of IP addresses. */
  public static final String DNS = "io.berth.dns";
  /** DNS search domains, a {@link LabelLists list}. */
  public static final String DNS_SEARCH = "io.berth.dns-search";
  /** resolv.conf options ({@code ndots:2}), a {@link LabelLists list}. */
  public static final String DNS_OPTIONS = "io.berth.dns-options";
  /** More names peers on a user-defined network know the container by, a {@link LabelLists list}. */
  public static final String NETWORK_ALIASES = "io.berth.network-aliases";
  /**
   * Prefix of the labels that connect the container to more networks than {@link #NETWORK}, one
   * label per network ({@code io.berth.connected.NETWORK}), each a {@link ConnectedNetwork}: the
   * tasks service attaches them after the first at every start, as Docker keeps a container's
   * {@code network connect} over restarts.
   */
  public static final String CONNECTED_PREFIX = "io.berth.connected.";
  /**
   * Prefix of the labels that give the interface on a network of {@link #CONNECTED_PREFIX} more
   * addresses ({@code io.berth.link-local-ips.NETWORK}, a {@link LabelLists list}, as
   * {@link #LINK_LOCAL_IPS} for the first network): a label of their own, which a berthd that knows
   * no link-local addresses leaves alone, rather than items of the connected label it would refuse.
   */
  public static final String CONNECTED_LINK_LOCAL_IPS_PREFIX = LINK_LOCAL_IPS + ".";
  /**
   * {@link #TRUE} on a container once its last network (or {@code none} itself) was disconnected:
   * with {@link #NETWORK} {@code none} it is then left without networks and takes one connected
   * later, as Docker's, whose HostConfig may still say none; a network connected keeps the mark
   * for when it goes too. {@link #NONE_CONNECTED} once {@code none} itself was connected again:
   * the container is in none mode whatever its HostConfig says.
   */
  public static final String NONE_DISCONNECTED = "io.berth.none-disconnected";
  /** {@link #NONE_DISCONNECTED}'s value for a container connected to {@code none} again. */
  public static final String NONE_CONNECTED = "false";
  /** Extra /etc/hosts entries, a {@link LabelLists list} of {@link HostEntrySpec#labelValue() NAME:IP}. */
  public static final String ADD_HOSTS = "io.berth.add-hosts";
  /** Named volumes the container mounts, a {@link LabelLists list}. */
  public static final String VOLUMES = "io.berth.volumes";
  /**
   * When the container's task was last started, ISO-8601 as {@link java.time.Instant#toString()}
   * writes it; set by the client that starts it and by berthd's restart monitor when it restarts it.
   */
  public static final String STARTED_AT = "io.berth.started-at";
  /**
   * {@value #TRUE}: berthd removes the container (task, snapshot and record) once its process
   * ended and its restart policy does not restart it, as Docker does for {@code run -d --rm}.
   * {@value #AUTO_REMOVE_ATTACHED}: a client attached to it removes it when it ends (after it has
   * the exit status and the last output); berthd removes it only if it is still there some seconds
   * after its end, when that client went away (killed, its terminal closed) before the end.
   */
  public static final String AUTO_REMOVE = "io.berth.auto-remove";
  public static final String AUTO_REMOVE_ATTACHED = "attached";
  /**
   * Why the container's last start failed, as the runtime said it; set by the client that started
   * it, removed by the next start (Docker's {@code State.Error}).
   */
  public static final String START_ERROR = "io.berth.start-error";
  /**
   * The exit code and end ({@link java.time.Instant#toString()}) of the task that ran before a
   * start that failed, whose task was deleted for it: the container stays exited with them, as
   * Docker's does. Set with {@link #START_ERROR}, removed by the next start.
   */
  public static final String LAST_EXIT_CODE = "io.berth.last-exit-code";
  public static final String LAST_FINISHED_AT = "io.berth.last-finished-at";
  /** {@value #TRUE} when the kernel's OOM killer struck in the container's last task; set by berthd. */
  public static final String OOM_KILLED = "io.berth.oom-killed";
  /** How often berthd's restart monitor restarted the container since a client last started it (clients reset it). */
  public static final String RESTART_COUNT = "io.berth.restart-count";
  public static final String TRUE = "true";
  /** A {@link RestartPolicy}: {@code no}, {@code always}, {@code on-failure[:N]} or {@code unless-stopped}. */
  public static final String RESTART_POLICY = "containerd.io/restart.policy";
  /**
   * What the user last asked for: {@value #RUNNING} (set by the client once it has started the
   * task) or {@value #STOPPED} (set by the client before it stops the task, so that the exit is
   * not taken for a crash); or {@value #RESTART_FAILED}, as {@link #desiredStatus} reads a
   * container whose restart failed, which no user asked for (Docker's HasBeenManuallyStopped
   * stays false; an older berthd wrote it here), or
   * {@value #START_FAILED}, set by the client when a start on request failed.
   */
  public static final String RESTART_STATUS = "containerd.io/restart.status";

  /**
   * What the user last asked for as the restart monitor follows it: {@link #RESTART_STATUS}, but
   * {@value #RESTART_FAILED} for a container meant to run whose restart failed
   * ({@link #RESTART_FAILED_MARK}); empty without either.
   */
  public static String desiredStatus(Map<String, String> labels) {
    String status = labels.getOrDefault(RESTART_STATUS, "");
    return RUNNING.equals(status) && TRUE.equals(labels.get(RESTART_FAILED_MARK)) ? RESTART_FAILED : status;
  }
  public static final String RUNNING = "running";
  public static final String STOPPED = "stopped";
  /**
   * A value of its own for every stop a client marks ({@value #STOPPED} written with it in one
   * update): the restart monitor, which writes {@value #RUNNING} when berthd's start brings a
   * container back, writes it on condition that this label is still the one it decided on
   * ({@link dev.berth.api.grpc.LabelPreconditions}), so a stop that landed in between stands.
   */
  public static final String STOP_REQUEST = "io.berth.stop-request";
  /**
   * A value of its own for every start a client asks for ({@value #RUNNING} written with it in one
   * update): the restart monitor writes the record, and marks a failed restart, on condition that
   * this label is still the one it decided on, so a start that landed in between (and may have
   * started the task the monitor created) stays the user's, neither overwritten nor taken for the
   * monitor's failure.
   */
  public static final String START_REQUEST = "io.berth.start-request";
  /**
   * Left stopped by a failed restart, not by its user: restarted again when berthd starts as
   * Docker's daemon restarts it (always, unless-stopped, on-failure within its count), and
   * showing the exit code of the run that ended rather than a failed start's.
   */
  public static final String RESTART_FAILED = "restart-failed";
  /**
   * {@value #TRUE} when berthd's restart monitor left the container stopped after a failed restart:
   * a label of its own beside {@link #RESTART_STATUS}, which the monitor then leaves as it is, so a
   * user's stop written meanwhile is never overwritten; written only while the record has the
   * monitor's {@link #RESTART_COUNT}, so a user's start meanwhile (which resets it) is not marked.
   * Read through {@link #desiredStatus}; a start clears it.
   */
  public static final String RESTART_FAILED_MARK = "io.berth.restart-failed";
  /**
   * A start its user asked for failed: not stopped by the user (Docker's start clears
   * HasBeenManuallyStopped before it can fail), so berthd's next start brings it back as for
   * {@value #RESTART_FAILED}; it shows the failed start's exit code (128, 127 or 126).
   */
  public static final String START_FAILED = "start-failed";
  /**
   * {@value #TRUE} while {@code rm -f} kills and removes the container (Docker's
   * RemovalInProgress): a command that fails meanwhile reports the container gone, not the step
   * it tripped on. Cleared when the removal fails.
   */
  public static final String REMOVING = "io.berth.removing";
  /**
   * Docker's OpenStdin ({@code -i}), as {@value #TRUE}: a task created without a client's stdin
   * still gets one its monitor holds open, so that a later attach can write to it; a client that
   * attaches and goes away does not close it.
   */
  public static final String OPEN_STDIN = "io.berth.open-stdin";
  /**
   * With {@link #OPEN_STDIN}, Docker's and the CRI's StdinOnce as {@value #TRUE}: the first
   * attached client ending its input closes the process's stdin (a shell reading it then ends).
   */
  public static final String STDIN_ONCE = "io.berth.stdin-once";
  /** Where a restarted task's output goes, as a URI the Tasks API takes (e.g. {@code file:///path}). */
  public static final String RESTART_LOG_URI = "containerd.io/restart.loguri";
  /**
   * An absolute path where the monitors of the container's tasks write its output in the CRI log
   * format, instead of berthd's own place (the kubelet's {@code log_directory/log_path}). The
   * file belongs to whoever named it: removing the container leaves it.
   */
  public static final String LOG_PATH = "io.berth.log-path";
  /** {@value #LOG_DRIVER_NONE} keeps no log of the container's output (docker's {@code --log-driver none}). */
  public static final String LOG_DRIVER = "io.berth.log-driver";
  public static final String LOG_DRIVER_NONE = "none";
  /**
   * Bytes past which the container's log starts again, its older lines dropped (docker's
   * {@code max-size}), or is rotated with {@link #LOG_MAX_FILE}.
   */
  public static final String LOG_MAX_SIZE = "io.berth.log-max-size";
  /**
   * How many files the container's log keeps with {@link #LOG_MAX_SIZE}: past that size berthd
   * moves the log to {@code <log>.1}, the older ones one place on, as docker's {@code max-file}.
   */
  public static final String LOG_MAX_FILE = "io.berth.log-max-file";
  /**
   * {@code true} has berthd gzip the older files of a log it rotates with {@link #LOG_MAX_FILE},
   * {@code <log>.<n>.gz}, as docker's {@code compress}.
   */
  public static final String LOG_COMPRESS = "io.berth.log-compress";
  /** containerd's older form of {@link #RESTART_LOG_URI}: a file path. */
  public static final String RESTART_LOG_PATH = "containerd.io/restart.logpath";

  /**
   * On a network attachment (not a container): marks the attachments berthd's tasks service made
   * for a task, as {@value #ATTACHED_BY_TASKS}.
   */
  public static final String ATTACHED_BY = "io.berth.attached-by";
  public static final String ATTACHED_BY_TASKS = "tasks";

  private ContainerLabels() {}
}
