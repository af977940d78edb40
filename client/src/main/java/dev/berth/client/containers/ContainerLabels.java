package dev.berth.client.containers;

/**
 * The labels by which Docker-style clients describe a container to berthd: the services act on
 * them (the tasks service attaches the network, the volumes service counts users, the restart
 * monitor restarts), so every client that writes them gets the same behaviour.
 */
public final class ContainerLabels {
  /** The container's name, unique in its namespace. */
  public static final String NAME = "io.berth.name";
  /** Which client made the record. */
  public static final String CREATED_BY = "io.berth.created-by";
  /** {@code bridge} (default), {@code host}, {@code none}, {@code container:<id>} or a network's name. */
  public static final String NETWORK = "io.berth.network";
  /** Published ports, comma-separated {@code [HOST_IP:]HOST_PORT:CONTAINER_PORT/PROTO} (host port 0: any). */
  public static final String PORTS = "io.berth.ports";
  public static final String HOSTNAME = "io.berth.hostname";
  /** The container's address on its (bridge) network; the next free one without it. */
  public static final String IP = "io.berth.ip";
  /** Resolvers, comma-separated. */
  public static final String DNS = "io.berth.dns";
  /** DNS search domains, comma-separated. */
  public static final String DNS_SEARCH = "io.berth.dns-search";
  /** Extra /etc/hosts entries, comma-separated {@code NAME:IP}. */
  public static final String ADD_HOSTS = "io.berth.add-hosts";
  /** Named volumes the container mounts, comma-separated. */
  public static final String VOLUMES = "io.berth.volumes";
  /**
   * When the container's task was last started, ISO-8601 as {@link java.time.Instant#toString()}
   * writes it; set by the client that starts it and by berthd's restart monitor when it restarts it.
   */
  public static final String STARTED_AT = "io.berth.started-at";
  /**
   * {@value #TRUE}: berthd removes the container (task, snapshot and record) once its process
   * ended and its restart policy does not restart it, as Docker does for {@code run -d --rm}.
   */
  public static final String AUTO_REMOVE = "io.berth.auto-remove";
  /** {@value #TRUE} when the kernel's OOM killer struck in the container's last task; set by berthd. */
  public static final String OOM_KILLED = "io.berth.oom-killed";
  public static final String TRUE = "true";
  /** {@code no}, {@code always}, {@code on-failure[:N]} or {@code unless-stopped}. */
  public static final String RESTART_POLICY = "containerd.io/restart.policy";
  /** {@code running} while the container should run, {@code stopped} once a user stopped it. */
  public static final String RESTART_STATUS = "containerd.io/restart.status";
  public static final String RUNNING = "running";
  public static final String STOPPED = "stopped";

  private ContainerLabels() {}
}
