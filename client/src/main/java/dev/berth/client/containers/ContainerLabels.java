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
  /** Resolvers, comma-separated. */
  public static final String DNS = "io.berth.dns";
  /** Extra /etc/hosts entries, comma-separated {@code NAME:IP}. */
  public static final String ADD_HOSTS = "io.berth.add-hosts";
  /** Named volumes the container mounts, comma-separated. */
  public static final String VOLUMES = "io.berth.volumes";
  /** When the container's task was last started (ISO-8601). */
  public static final String STARTED_AT = "io.berth.started-at";
  /** {@code no}, {@code always}, {@code on-failure[:N]} or {@code unless-stopped}. */
  public static final String RESTART_POLICY = "containerd.io/restart.policy";
  /** {@code running} while the container should run, {@code stopped} once a user stopped it. */
  public static final String RESTART_STATUS = "containerd.io/restart.status";
  public static final String RUNNING = "running";
  public static final String STOPPED = "stopped";

  private ContainerLabels() {}
}
