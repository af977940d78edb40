package dev.berth.client.containers;

import dev.berth.client.health.Healthcheck;
import dev.berth.client.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a new container is made of, in docker's terms and spelling ({@code docker create}'s flags,
 * one field each, values as a user types them). {@link ContainerCreator} checks every value before
 * anything is created, so a bad one fails the creation and leaves nothing behind. Unset fields
 * mean what docker's defaults mean, and so do resource limits given as zero, which the creator
 * clears ({@code --memory 0}: see {@link ZeroResourceFlags}); {@link #image} is required.
 */
public final class ContainerOptions {
  public String name;
  public List<String> env = new ArrayList<>();
  public List<Path> envFiles = new ArrayList<>();
  public String workdir;
  public String user;
  public String entrypoint;
  public String hostname;
  public List<String> volumes = new ArrayList<>();
  public List<String> mounts = new ArrayList<>();
  /** What a relative bind source ({@code ./site}) is relative to: the CLI's working directory; null refuses them. */
  public Path bindSourceBase;
  public List<String> tmpfs = new ArrayList<>();
  /** Containers whose volumes and bind mounts this one gets too ({@code NAME[:ro|:rw]}). */
  public List<String> volumesFrom = new ArrayList<>();
  public boolean readOnly;
  public String memory;
  public String memorySwap;
  public String memoryReservation;
  /** Docker's {@code --kernel-memory}: checked, then dropped with Docker's warning (no kernel limit is set). */
  public String kernelMemory;
  public boolean oomKillDisable;
  /** Docker's {@code --memory-swappiness}: 0 to 100, or null (-1) for the kernel's. */
  public Long memorySwappiness;
  /** docker's {@code --log-driver}: json-file (the default), local or k8s-file (one CRI-format log), none. */
  public String logDriver;
  /** docker's {@code --log-opt KEY=VALUE}: max-size, max-file, compress. */
  public List<String> logOpts = new ArrayList<>();
  /** The {@code --health-*} flags, over the image's check. */
  public Healthcheck.Flags health = new Healthcheck.Flags(null, null, null, null, null, null, false);
  public String cpus;
  public String cpuQuota;
  public String cpuPeriod;
  public Long oomScoreAdj;
  /** The cgroup the container's goes under instead of {@code /<namespace>}. */
  public String cgroupParent;
  /** Docker's {@code --cgroupns}: host, private, or null for the default ({@link ContainerCreator#privateCgroupNamespace}). */
  public String cgroupns;
  /** Docker's {@code --runtime}: runc (the default) or crun. */
  public String runtime;
  /** Docker's {@code --userns}: host (what every container gets) or null. */
  public String userns;
  public String cpuShares;
  public String cpusetCpus;
  /** Docker's {@code --cpuset-mems}: memory nodes, like {@code 0-1}. */
  public String cpusetMems;
  /** Docker's {@code --blkio-weight}: 10 to 1000, 0 for none. */
  public String blkioWeight;
  /** Docker's {@code --blkio-weight-device PATH:WEIGHT}. */
  public List<String> blkioWeightDevices = new ArrayList<>();
  /** Docker's {@code --device-read-bps PATH:RATE} and the other three block I/O limits. */
  public List<String> deviceReadBps = new ArrayList<>();
  public List<String> deviceWriteBps = new ArrayList<>();
  public List<String> deviceReadIops = new ArrayList<>();
  public List<String> deviceWriteIops = new ArrayList<>();
  /** Docker's {@code --device-cgroup-rule 'c 1:3 rwm'}. */
  public List<String> deviceCgroupRules = new ArrayList<>();
  /** Docker's {@code --annotation KEY=VALUE}: written into the OCI spec's annotations. */
  public List<String> annotations = new ArrayList<>();
  /** Docker's {@code --volume-driver}: local, the only one, or null. */
  public String volumeDriver;
  /** Docker's {@code --storage-opt KEY=VALUE}. */
  public List<String> storageOpts = new ArrayList<>();
  /** Docker's {@code --gpus}. */
  public List<String> gpus = new ArrayList<>();
  public String pidsLimit;
  public String restart = "no";
  public List<String> labels = new ArrayList<>();
  public List<Path> labelFiles = new ArrayList<>();
  /** Ports the container exposes besides the image's ({@code --expose 80}, {@code 53/udp}). */
  public List<String> expose = new ArrayList<>();
  public List<String> publish = new ArrayList<>();
  public boolean publishAll;
  public String network = "bridge";
  /** Whether {@link #network} was given rather than left at its default, which Docker names "default". */
  public boolean networkGiven;
  /**
   * Docker's {@code --network} given again: further user-defined networks the container is connected
   * to at create, with no address or alias of its own ({@link #ip}, {@link #ip6} and
   * {@link #networkAliases} are the first network's).
   */
  public List<String> moreNetworks = new ArrayList<>();
  public String ip;
  /** Docker's {@code --ip6}: the container's IPv6 address on a user-defined network with IPv6. */
  public String ip6;
  /** Docker's {@code --link-local-ip}: more addresses of the container's interface on its first network. */
  public List<String> linkLocalIps = List.of();
  public String macAddress;
  /** The platform the image must be for ({@code os/arch[/variant]}); null: any that runs here. */
  public String platform;
  public List<String> dns = new ArrayList<>();
  public List<String> dnsSearch = new ArrayList<>();
  public List<String> dnsOptions = new ArrayList<>();
  public String domainname;
  public List<String> networkAliases = new ArrayList<>();
  public List<String> addHosts = new ArrayList<>();
  /** Docker's legacy {@code --link CONTAINER[:ALIAS]}. */
  public List<String> links = new ArrayList<>();
  public String stopSignal;
  /** Seconds stop waits before SIGKILL unless told otherwise; -1: as long as it takes. */
  public Long stopTimeout;
  public boolean privileged;
  public List<String> capAdd = new ArrayList<>();
  public List<String> capDrop = new ArrayList<>();
  public List<String> ulimits = new ArrayList<>();
  public String shmSize;
  public String pid;
  public String ipc;
  public String uts;
  public List<String> sysctls = new ArrayList<>();
  public List<String> groupAdd = new ArrayList<>();
  public List<String> securityOpts = new ArrayList<>();
  public List<String> devices = new ArrayList<>();
  public boolean init;
  public boolean interactive;
  public boolean tty;
  /** With {@link #tty}: the client's terminal size, for the pty to have it before the process starts; null if unknown. */
  public Spec.ConsoleSize consoleSize;
  public boolean autoRemove;
  /** Started in the background (run -d): Docker's Config then attaches no stream. */
  public boolean detach;
  public String image;
  /**
   * The committed snapshot the container's is made on, in place of the image's top one: a build's
   * init layer, which holds the mount points runc would otherwise make in the container's layer.
   */
  public String snapshotParent;
  public List<String> command = new ArrayList<>();
}
