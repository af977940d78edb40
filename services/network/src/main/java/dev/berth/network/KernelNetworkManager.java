package dev.berth.network;

import dev.berth.api.Identifiers;
import dev.berth.api.labels.IpLiterals;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.api.network.AttachSpec;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Dns;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.InterfaceStats;
import dev.berth.api.network.IpAddress;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Ipv6Interface;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.MacAddress;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.NetworkManager;
import dev.berth.api.network.NetworkStats;
import dev.berth.api.network.NetworkSpec;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.linux.ErrnoException;
import dev.berth.network.dns.EmbeddedDns;
import dev.berth.network.dns.ExternalServer;
import dev.berth.network.files.ContainerFiles;
import dev.berth.network.files.ResolvConf;
import dev.berth.network.ipam.AddressAllocator;
import dev.berth.network.ipam.IpRanges;
import dev.berth.network.linux.Link;
import dev.berth.network.nat.NatRules;
import dev.berth.network.ports.PortSpecs;
import dev.berth.network.store.NetworkStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The network service on the real kernel: bridges and veth pairs through rtnetlink, NAT and
 * published ports through libnftables, addresses from the metadata store. One operation at a
 * time; each attach is all or nothing (see {@link Undo}), and everything it creates is found
 * again from the store after a restart.
 */
public final class KernelNetworkManager implements NetworkManager {
  public static final String DEFAULT_NETWORK = "bridge";
  static final String HOST = "host";
  static final String NONE = "none";
  static final String CONTAINER_PREFIX = "container:";
  private static final int DEFAULT_MTU = 1500;
  private static final Logger LOG = Logger.getLogger(KernelNetworkManager.class.getName());

  private final NetworkConfig config;
  private final NetworkStore store;
  private final HostNetwork host;
  private final ContainerNetns netns;
  private final ContainerFiles files;
  private final EtcFiles etcFiles;
  private final EmbeddedDns resolver;
  private final GatewayMove gatewayMove;
  private Thread resolverRestore;

  private KernelNetworkManager(NetworkConfig config, NetworkStore store, HostNetwork host, ContainerNetns netns,
      ContainerFiles files, EmbeddedDns resolver) {
    this.config = config;
    this.store = store;
    this.host = host;
    this.netns = netns;
    this.files = files;
    this.etcFiles = new EtcFiles(store, files);
    this.resolver = resolver;
    this.gatewayMove = new GatewayMove(store, host, netns);
  }

  /**
   * Opens the service on {@code state} (pins under {@code state/netns}, generated files under
   * {@code state/network}) and the network tables of {@code db}: creates the default network on
   * first start, forgets attachments whose namespace is gone, and puts the stored bridges, port
   * reservations and nftables rules back in force. Call {@link #close()} at shutdown.
   */
  public static KernelNetworkManager open(Path state, MetadataStore db, NetworkConfig config) throws IOException {
    NetworkStore store = new NetworkStore(db);
    HostNetwork host = HostNetwork.open(config.hostNetns());
    EmbeddedDns resolver = EmbeddedDns.create();
    KernelNetworkManager manager = new KernelNetworkManager(config, store, host,
        new ContainerNetns(state.resolve("netns")), new ContainerFiles(state.resolve("network")), resolver);
    try {
      manager.start();
      manager.restoreResolvers();
      return manager;
    } catch (IOException | RuntimeException e) {
      resolver.close();
      host.close();
      throw e;
    }
  }

  private synchronized void start() throws IOException {
    if (store.networks().stream().noneMatch(NetworkInfo::isDefault)) {
      Subnet subnet = freeSubnet(store.networks());
      NetworkInfo network = new NetworkInfo(DEFAULT_NETWORK, NetworkInfo.DRIVER_BRIDGE, subnet, subnet.firstHost(),
          Names.device("default bridge", config.defaultBridge()), DEFAULT_MTU, true, false, Map.of(), Instant.now(),
          true, NetworkInfo.newId(), null, true);
      store.insertNetwork(network);
      LOG.info("default network " + DEFAULT_NETWORK + ": " + subnet + " on " + network.bridge());
    }
    for (AttachmentInfo a : store.attachments()) {
      if (!alive(a)) {
        LOG.info("forgetting attachment of " + a.namespace() + "/" + a.containerId() + " to " + a.network()
            + ": its network namespace " + a.netns() + " is gone");
        remove(a, false);
      }
    }
    List<AttachmentInfo> attachments = store.attachments();
    Set<String> bridged = new HashSet<>();
    for (AttachmentInfo a : attachments) {
      if (a.mode() == Mode.BRIDGE) {
        bridged.add(a.network());
        for (PortMapping p : a.ports()) {
          try {
            host.reserve(p);
          } catch (IOException | RuntimeException e) {
            // one mapping the host no longer takes must not keep the network service, and every other container, down
            LOG.warning("published port " + p + " of " + a.namespace() + "/" + a.containerId()
                + " could not be reserved again: " + e + "; its rule stays in force");
          }
        }
      }
    }
    for (NetworkInfo n : store.networks()) {
      if (bridged.contains(n.name())) {
        host.ensureBridge(n);
      }
    }
    host.applyRules(NatRules.render(store.networks(), attachments));
    gatewayMove.reconcile(attachments);
    keepRequestedPorts(attachments);
    sweep(attachments);
    refreshNames();
  }

  /**
   * The ports containers attached by a berthd that did not keep what they asked to publish asked
   * for, as their bound ones tell; the gateway moves publish those.
   */
  private void keepRequestedPorts(List<AttachmentInfo> attachments) {
    for (AttachmentInfo a : attachments) {
      if (a.mode() == Mode.BRIDGE && !a.ports().isEmpty()
          && store.requestedPorts(a.namespace(), a.containerId()).isEmpty()) {
        store.keepRequestedPorts(a.namespace(), a.containerId(), GatewayMove.asked(a.ports(), a.ipv6() != null));
      }
    }
  }

  /**
   * Reopens the embedded resolver of every container the store keeps one for, on a thread of
   * its own so that the service answers meanwhile; each container's resolver is reopened under
   * the lock, if the container is still attached then. Until then its queries go unanswered
   * (clients retry), as they would while berthd was down.
   */
  private void restoreResolvers() {
    resolverRestore = new Thread(() -> {
      List<AttachmentInfo> owners;
      synchronized (this) {
        owners = resolverOwners();
      }
      for (AttachmentInfo a : owners) {
        synchronized (this) {
          if (resolverRestore.isInterrupted()) {
            return;
          }
          if (store.attachments(a.namespace(), a.containerId()).isEmpty()) {
            continue;
          }
          try {
            // the servers berthd kept, never the container's resolv.conf: the container can write that
            Optional<ResolvConf.Internal> upstreams = store.resolver(a.namespace(), a.containerId());
            if (upstreams.isPresent()) {
              openResolver(store.attachments(a.namespace(), a.containerId()), upstreams.get());
            }
          } catch (IOException | RuntimeException e) {
            LOG.warning("reopening the DNS resolver of " + a.namespace() + "/" + a.containerId() + ": "
                + e.getMessage());
          }
        }
      }
    }, "berth-dns-restore");
    resolverRestore.setDaemon(true);
    resolverRestore.start();
  }

  /** The first attachment of each container with a namespace of its own. */
  private List<AttachmentInfo> resolverOwners() {
    List<AttachmentInfo> owners = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (AttachmentInfo a : store.attachments()) {
      if (a.mode() == Mode.BRIDGE && seen.add(a.namespace() + "/" + a.containerId())) {
        owners.add(a);
      }
    }
    return owners;
  }

  /**
   * Opens the resolver of the container {@code mine} attach, forwarding to {@code internal}'s
   * servers. On internal networks only it does not ask servers from berthd's namespace, as
   * Docker's does not (those networks are to have no way out).
   */
  private void openResolver(List<AttachmentInfo> mine, ResolvConf.Internal internal) throws IOException {
    boolean closed = mine.stream().allMatch(a -> store.network(a.network()).map(NetworkInfo::internal).orElse(false));
    List<ExternalServer> servers = internal.servers().stream().filter(s -> !closed || !s.inHost()).toList();
    AttachmentInfo a = mine.get(0);
    resolver.open(a.namespace(), a.containerId(), Path.of(a.netns()), servers, internal.ndotsSet());
  }

  /**
   * Whether a container first attached to the default bridge switches to the embedded resolver
   * now: as in Docker 27, when it joins its first user-defined network. It keeps the resolver
   * once it has one, also when it leaves that network again (Docker's stays until the container
   * stops).
   */
  private boolean switchesToResolver(String namespace, String containerId, Target target) {
    return !target.network().isDefault() && store.resolver(namespace, containerId).isEmpty();
  }

  /**
   * The resolv.conf naming the embedded resolver for a container whose resolvers were {@code had}:
   * what the container asked for ({@code --dns}, {@code --dns-search}, {@code --dns-option}) is
   * what differs from the host's, as {@link #dns} derived it; the rest comes from the host.
   */
  private String resolverConf(Dns had, boolean hadIpv6, boolean ipv6) {
    ResolvConf.Host host = hostFile();
    Dns base = ResolvConf.forOwnNamespace(host.dns(), fallbackDns(hadIpv6), hadIpv6);
    Dns asked = new Dns(had.nameservers().equals(base.nameservers()) ? List.of() : had.nameservers(),
        had.search().equals(base.search()) ? List.of() : had.search(),
        had.options().equals(base.options()) ? List.of() : had.options());
    return ResolvConf.renderInternal(host, asked, fallbackDns(ipv6), ipv6);
  }

  /** The servers a container uses when the host leaves it none, Docker's IPv6 ones too on a network with IPv6. */
  private List<String> fallbackDns(boolean ipv6) {
    if (!ipv6) {
      return config.fallbackDns();
    }
    List<String> both = new ArrayList<>(config.fallbackDns());
    both.addAll(config.fallbackDns6());
    return List.copyOf(both);
  }

  /**
   * Whether the container of a new attachment to {@code target} reaches IPv6 servers, as Docker's
   * daemon tells: on a bridge network, whether that network has IPv6; sharing another's
   * namespace, whether that one's interface has an IPv6 address.
   */
  private static boolean reachesIpv6(Target target) {
    return switch (target.mode()) {
      case BRIDGE -> target.network().ipv6();
      case CONTAINER -> target.shared().ipv6() != null;
      case HOST, NONE -> false;
    };
  }

  /** Gives the embedded resolver the names in force now. */
  private void refreshNames() {
    Set<String> userDefined = new HashSet<>();
    store.networks().stream().filter(n -> !n.isDefault()).forEach(n -> userDefined.add(n.name()));
    resolver.names(store.attachments(), userDefined);
  }

  /** Removes what a crash between kernel work and commit may have left: pins and veths nobody references. */
  private void sweep(List<AttachmentInfo> attachments) throws IOException {
    Set<String> referencedNetns = new HashSet<>();
    Set<String> hostInterfaces = new HashSet<>();
    attachments.forEach(a -> {
      referencedNetns.add(a.netns());
      hostInterfaces.add(a.hostInterface());
    });
    for (Path pin : netns.pins()) {
      if (!referencedNetns.contains(pin.toString())) {
        LOG.info("removing unreferenced network namespace pin " + pin);
        netns.unpin(pin);
      }
    }
    Set<Integer> bridges = new HashSet<>();
    Set<String> bridgeNames = new HashSet<>();
    store.networks().forEach(n -> bridgeNames.add(n.bridge()));
    List<Link> links = host.links();
    links.stream().filter(l -> bridgeNames.contains(l.name())).forEach(l -> bridges.add(l.index()));
    for (Link l : links) {
      if (bridges.contains(l.master()) && "veth".equals(l.kind()) && !hostInterfaces.contains(l.name())) {
        LOG.info("removing unreferenced veth " + l.name());
        host.deleteLink(l.name());
      }
    }
  }

  private boolean alive(AttachmentInfo a) {
    if (a.netns().isEmpty()) {
      return true;
    }
    try {
      netns.check(Path.of(a.netns()));
      return true;
    } catch (ErrnoException e) {
      return e.errno() != ErrnoException.ENOENT && e.errno() != ErrnoException.EINVAL;
    } catch (IOException e) {
      return true;
    }
  }

  // ---- networks ----

  @Override
  public synchronized NetworkInfo createNetwork(NetworkSpec spec) {
    String name = Identifiers.validate("network name", spec.name());
    if (name.equals(HOST) || name.equals(NONE)) {
      throw Errors.invalidArgument("network name %s is reserved for the %s mode", name, name);
    }
    if (store.network(name).isPresent()) {
      // Docker's daemon's words, which scripts creating a network "if absent" match
      throw Errors.alreadyExists("network with name %s already exists", name);
    }
    if (!spec.driver().isEmpty() && !spec.driver().equals(NetworkInfo.DRIVER_BRIDGE)) {
      throw Errors.invalidArgument("network driver %s is not supported (only bridge)",
          Identifiers.printable(spec.driver()));
    }
    int mtu = spec.mtu() == 0 ? DEFAULT_MTU : spec.mtu();
    if (mtu < 68 || mtu > 65535) {
      throw Errors.invalidArgument("MTU %d is out of range 68-65535", spec.mtu());
    }
    Labels.validate(spec.labels());
    List<NetworkInfo> others = store.networks();
    List<NetworkSpec.PoolSpec> more4 = spec.morePools().stream().filter(p -> !p.subnet().contains(":")).toList();
    List<NetworkSpec.PoolSpec> more6 = spec.morePools().stream().filter(p -> p.subnet().contains(":")).toList();
    if (spec.morePools().stream().anyMatch(p -> p.subnet().isEmpty())) {
      throw Errors.invalidArgument("every further address pool needs a subnet");
    }
    if (spec.subnet().isEmpty() && !more4.isEmpty()) {
      throw Errors.invalidArgument("further IPv4 pools need the first IPv4 subnet given too");
    }
    Subnet subnet;
    try {
      subnet = spec.subnet().isEmpty() ? freeSubnet(others) : Subnet.parse(spec.subnet());
    } catch (IOException e) {
      throw Errors.internal(e, "reading the host's routes: %s", e.getMessage());
    }
    List<Ipv4Pool> pools = new ArrayList<>(List.of(pool(subnet, spec.gateway(), spec.ipRange())));
    for (NetworkSpec.PoolSpec asked : more4) {
      pools.add(pool(Subnet.parse(asked.subnet()), asked.gateway(), asked.ipRange()));
    }
    for (int i = 0; i < pools.size(); i++) {
      Subnet mine = pools.get(i).subnet();
      for (Ipv4Pool earlier : pools.subList(0, i)) {
        refuseOverlap(mine.overlaps(earlier.subnet()), mine, earlier.subnet(), name);
      }
      for (NetworkInfo other : others) {
        for (Ipv4Pool theirs : other.pools()) {
          refuseOverlap(mine.overlaps(theirs.subnet()), mine, theirs.subnet(), other.name());
        }
      }
    }
    List<Ipv6Pool> pools6 = new ArrayList<>();
    if (spec.ipv6()) {
      if (spec.subnet6().isEmpty() && !more6.isEmpty()) {
        throw Errors.invalidArgument("further IPv6 pools need the first IPv6 subnet given too");
      }
      pools6.add(pool6(spec.subnet6().isEmpty() ? freeSubnet6(others) : Subnet6.parse(spec.subnet6()),
          spec.gateway6(), spec.ipRange6()));
      for (NetworkSpec.PoolSpec asked : more6) {
        pools6.add(pool6(Subnet6.parse(asked.subnet()), asked.gateway(), asked.ipRange()));
      }
      for (int i = 0; i < pools6.size(); i++) {
        Subnet6 mine = pools6.get(i).subnet();
        for (Ipv6Pool earlier : pools6.subList(0, i)) {
          refuseOverlap(mine.overlaps(earlier.subnet()), mine, earlier.subnet(), name);
        }
        for (NetworkInfo other : others) {
          for (Ipv6Pool theirs : other.pools6()) {
            refuseOverlap(mine.overlaps(theirs.subnet()), mine, theirs.subnet(), other.name());
          }
        }
      }
    } else if (!spec.subnet6().isEmpty() || !spec.gateway6().isEmpty() || !spec.ipRange6().isEmpty()
        || !more6.isEmpty()) {
      throw Errors.invalidArgument("an IPv6 subnet, range or gateway needs IPv6 enabled on the network (--ipv6)");
    }
    Ipv4Pool first = pools.get(0);
    Ipv6Pool first6 = pools6.isEmpty() ? null : pools6.get(0);
    String id = NetworkInfo.newId();
    // as Docker names its bridges, so that scripts find one from the network's id
    String bridge = spec.bridge().isEmpty() ? "br-" + id.substring(0, 12) : Names.device("bridge name", spec.bridge());
    for (NetworkInfo other : others) {
      if (other.bridge().equals(bridge)) {
        throw bridgeTaken(id, other, bridge);
      }
    }
    try {
      if (host.link(bridge) != null) {
        throw Errors.failedPrecondition("a device named %s already exists on the host", bridge);
      }
    } catch (IOException e) {
      throw Errors.internal(e, "looking up device %s: %s", bridge, e.getMessage());
    }
    NetworkInfo network = new NetworkInfo(name, NetworkInfo.DRIVER_BRIDGE, subnet, first.gateway(), bridge, mtu,
        spec.masquerade() == null || spec.masquerade(), spec.internal(), Map.copyOf(spec.labels()), Instant.now(),
        false, id, first.ipRange(), spec.icc() == null || spec.icc(), first6 == null ? null : first6.subnet(),
        first6 == null ? null : first6.gateway(), spec.subnet().isEmpty(), spec.ipv6() && spec.subnet6().isEmpty(),
        first6 == null ? null : first6.ipRange(), auxAddresses(spec.auxAddresses(), pools, pools6),
        pools.subList(1, pools.size()), pools6.isEmpty() ? List.of() : pools6.subList(1, pools6.size()),
        spec.ipamOptions());
    store.insertNetwork(network);
    LOG.info("created network " + name + ": " + pools.stream().map(p -> p.subnet().toString())
        .collect(Collectors.joining(", ")) + pools6.stream().map(p -> ", " + p.subnet())
        .collect(Collectors.joining()) + " on " + bridge);
    return network;
  }

  /** A bridge another network has, refused in Docker's bridge driver's words, with the ids of both networks. */
  private static RuntimeException bridgeTaken(String id, NetworkInfo other, String bridge) {
    return Errors.failedPrecondition("cannot create network %s (%s): conflicts with network %s (%s): networks have "
        + "same bridge name", id, bridge, other.id(), other.bridge());
  }

  /** An IPv4 pool as asked: its range checked against the subnet, its gateway the range's first address unless given. */
  private static Ipv4Pool pool(Subnet subnet, String gateway, String ipRange) {
    Subnet range = IpRanges.parse(ipRange, subnet);
    // as Docker's allocator: the first free address of the range (of the subnet without one)
    Ipv4 address = gateway.isEmpty() ? AddressAllocator.first(subnet, range == null ? subnet : range)
        : Ipv4.parse("gateway", gateway);
    if (gateway.isEmpty() && range != null && !(range.contains(address) && subnet.isHost(address))) {
      throw noAddressForTheGateway();
    }
    if (!subnet.isHost(address)) {
      throw Errors.invalidArgument("gateway %s is not a host address of subnet %s", address, subnet);
    }
    return new Ipv4Pool(subnet, address, range);
  }

  /** {@link #pool} for IPv6. */
  private static Ipv6Pool pool6(Subnet6 subnet, String gateway, String ipRange) {
    Subnet6 range = IpRanges.parse6(ipRange, subnet);
    Ipv6 address = gateway.isEmpty() ? AddressAllocator.first6(subnet, range == null ? subnet : range)
        : Ipv6.parse("gateway", gateway);
    if (gateway.isEmpty() && range != null && !range.contains(address)) {
      throw noAddressForTheGateway();
    }
    if (!subnet.isHost(address)) {
      // Docker's daemon's words
      throw Errors.invalidArgument("invalid network config:\ninvalid gateway %s: parent subnet %s doesn't contain "
          + "this address", address, subnet);
    }
    return new Ipv6Pool(subnet, address, range);
  }

  /**
   * A range whose only addresses are the subnet's own (its network or broadcast address, a /32 or
   * /128 of them) leaves the gateway none, which Docker's daemon refuses in these words rather than
   * take one outside the range.
   */
  private static RuntimeException noAddressForTheGateway() {
    return Errors.invalidArgument("failed to allocate gateway (): no available addresses on this pool");
  }

  private static void refuseOverlap(boolean overlaps, Object subnet, Object theirs, String network) {
    if (overlaps) {
      // Docker's daemon's words first, which scripts match, then which network is in the way
      throw Errors.failedPrecondition("invalid pool request: Pool overlaps with other one on this address space "
          + "(subnet %s overlaps subnet %s of network %s)", subnet, theirs, network);
    }
  }

  /**
   * The auxiliary addresses asked for, each an address of the subnet of its family, as written
   * (INVALID_ARGUMENT otherwise). As Docker's allocator, which holds them one by one after the
   * gateway and the subnet's own addresses, one already held (the gateway, another name's) is
   * ALREADY_EXISTS in its words.
   */
  private static Map<String, String> auxAddresses(Map<String, String> asked, List<Ipv4Pool> pools,
      List<Ipv6Pool> pools6) {
    Set<IpAddress> held = new HashSet<>();
    for (Ipv4Pool p : pools) {
      held.addAll(List.of(p.subnet().network(), p.subnet().broadcast(), p.gateway()));
    }
    for (Ipv6Pool p : pools6) {
      held.addAll(List.of(p.subnet().network(), p.gateway()));
    }
    // by name, so that the same request is refused the same way (Docker's map order is random)
    for (Map.Entry<String, String> aux : new TreeMap<>(asked).entrySet()) {
      String address = aux.getValue();
      IpAddress ip = null;
      if (IpLiterals.isIpv4(address)) {
        Ipv4 v4 = Ipv4.parse("auxiliary address", address);
        ip = pools.stream().anyMatch(p -> p.subnet().contains(v4)) ? v4 : null;
      } else if (IpLiterals.isIpv6(address)) {
        Ipv6 v6 = Ipv6.parse("auxiliary address", address);
        ip = pools6.stream().anyMatch(p -> p.subnet().contains(v6)) ? v6 : null;
      }
      if (ip == null) {
        throw Errors.invalidArgument("auxiliary address %s=%s is not an address of the network's subnets",
            Identifiers.printable(aux.getKey()), Identifiers.printable(address));
      }
      if (!held.add(ip)) {
        throw Errors.alreadyExists("failed to allocate secondary ip address (%s:%s): Address already in use",
            Identifiers.plain(aux.getKey()), address);
      }
    }
    return Map.copyOf(asked);
  }

  @Override
  public synchronized NetworkInfo getNetwork(String nameOrId) {
    Identifiers.validate("network name", nameOrId);
    return NetworkInfo.find(nameOrId, store.network(nameOrId), store.networks());
  }

  @Override
  public synchronized List<NetworkInfo> listNetworks(Filter filter) {
    return store.networks().stream().filter(n -> filter.matches(n.fields())).toList();
  }

  @Override
  public synchronized void deleteNetwork(String nameOrId) {
    Identifiers.validate("network name", nameOrId);
    NetworkInfo network = NetworkInfo.find(nameOrId, store.network(nameOrId), store.networks());
    String name = network.name();
    // refusals in Docker's daemon's words (moby v27), which scripts match
    if (network.isDefault()) {
      throw Errors.failedPrecondition("%s is a pre-defined network and cannot be removed", name);
    }
    if (store.attachments().stream().anyMatch(a -> a.network().equals(name))) {
      throw Errors.failedPrecondition("error while removing network: network %s id %s has active endpoints", name,
          network.id());
    }
    try {
      host.deleteLink(network.bridge());
    } catch (IOException e) {
      throw Errors.internal(e, "deleting bridge %s of network %s: %s", network.bridge(), name, e.getMessage());
    }
    store.deleteNetwork(name);
    try {
      // the rules of the networks left: the last network with IPv6 (or without ICC) takes its table along
      host.applyRules(NatRules.render(store.networks(), store.attachments()));
    } catch (IOException e) {
      throw Errors.internal(e, "rewriting the nftables rules after deleting network %s: %s", name, e.getMessage());
    }
    LOG.info("deleted network " + name);
  }

  private NetworkInfo network(String name) {
    return store.network(name).orElseThrow(() -> Errors.notFound("network %s not found", name));
  }

  /** The first candidate subnet that no network and no route of the host uses. */
  private Subnet freeSubnet(List<NetworkInfo> networks) throws IOException {
    List<Subnet> used = new ArrayList<>(host.routedSubnets());
    networks.forEach(n -> n.pools().forEach(p -> used.add(p.subnet())));
    for (Subnet candidate : candidateSubnets()) {
      if (used.stream().noneMatch(candidate::overlaps)) {
        return candidate;
      }
    }
    throw Errors.resourceExhausted("no free private subnet left; give one explicitly");
  }

  /** A unique local /64 that no other network's IPv6 subnet overlaps (a clash of random ids is all but impossible). */
  private static Subnet6 freeSubnet6(List<NetworkInfo> networks) {
    while (true) {
      Subnet6 candidate = Subnet6.randomUniqueLocal();
      if (networks.stream().flatMap(n -> n.pools6().stream()).noneMatch(p -> p.subnet().overlaps(candidate))) {
        return candidate;
      }
    }
  }

  /** 10.88.0.0/16 to 10.127.0.0/16, then 172.16.0.0/16 to 172.31.0.0/16. */
  private static List<Subnet> candidateSubnets() {
    List<Subnet> candidates = new ArrayList<>();
    for (int b = 88; b <= 127; b++) {
      candidates.add(new Subnet(new Ipv4((10 << 24) | (b << 16)), 16));
    }
    for (int b = 16; b <= 31; b++) {
      candidates.add(new Subnet(new Ipv4((172 << 24) | (b << 16)), 16));
    }
    return candidates;
  }

  // ---- attachments ----

  /** What an attach request's network field names. */
  private record Target(Mode mode, String key, NetworkInfo network, AttachmentInfo shared) {}

  @Override
  public synchronized AttachmentInfo attach(String namespace, AttachSpec spec) {
    String containerId = Identifiers.validate("container id", spec.containerId());
    Target target = target(namespace, containerId, spec.network().isEmpty() ? DEFAULT_NETWORK : spec.network());
    List<AttachmentInfo> existing = store.attachments(namespace, containerId);
    for (AttachmentInfo a : existing) {
      if (a.network().equals(target.key())) {
        throw Errors.alreadyExists("container %s is already attached to %s", containerId, target.key());
      }
    }
    if (!existing.isEmpty() && (target.mode() != Mode.BRIDGE || existing.get(0).mode() != Mode.BRIDGE)) {
      throw Errors.failedPrecondition("container %s is attached to %s; %s and %s cannot be combined",
          containerId, existing.get(0).network(), existing.get(0).network(), target.key());
    }
    if (target.mode() != Mode.BRIDGE) {
      if (!spec.ports().isEmpty()) {
        throw Errors.invalidArgument("ports can only be published on a bridge network, not in %s mode",
            target.mode().name().toLowerCase(Locale.ROOT));
      }
      if (!spec.ip().isEmpty() || !spec.ip6().isEmpty() || !spec.mac().isEmpty() || !spec.interfaceName().isEmpty()
          || !spec.linkLocalIps().isEmpty()) {
        throw Errors.invalidArgument("an address, MAC address or interface name can only be given on a bridge network");
      }
    }
    if ((target.mode() == Mode.HOST || target.mode() == Mode.CONTAINER) && !spec.netnsPath().isEmpty()) {
      throw Errors.invalidArgument("a network namespace path cannot be given in %s mode",
          target.mode().name().toLowerCase(Locale.ROOT));
    }
    // the container's names are its own, not one network's: a later attachment keeps them after the first goes
    String hostname = !spec.hostname().isEmpty() ? Names.hostname("hostname", spec.hostname())
        : target.shared() != null ? target.shared().hostname()
        : !existing.isEmpty() ? existing.get(0).hostname() : defaultHostname(containerId);
    String domainname = !spec.domainname().isEmpty() ? Names.hostsName("domain name", spec.domainname())
        : !existing.isEmpty() ? existing.get(0).domainname() : "";
    List<String> aliases = spec.aliases().stream().map(a -> Names.hostsName("alias", a)).toList();
    List<HostEntry> extraHosts = spec.extraHosts().stream().map(Names::hostEntry).toList();
    Labels.validate(spec.labels());
    Dns dns = dns(target, spec.dns());

    Undo undo = new Undo();
    AttachmentInfo attachment;
    try {
      NetnsChoice ns = chooseNetns(namespace, containerId, target, spec.netnsPath(), existing, undo);
      attachment = switch (target.mode()) {
        case BRIDGE -> connectBridge(namespace, containerId, target.network(), ns, spec, existing, undo,
            hostname, domainname, aliases, dns, extraHosts);
        case NONE -> {
          if (!ns.pinned()) {
            netns.loopbackUp(Path.of(ns.path()));
          }
          yield attachment(namespace, containerId, target.key(), Mode.NONE, ns, null, hostname, domainname,
              aliases, dns, extraHosts, spec.labels());
        }
        case HOST, CONTAINER -> attachment(namespace, containerId, target.key(), target.mode(), ns,
            target.shared(), hostname, domainname, aliases, dns, extraHosts, spec.labels());
      };
      List<AttachmentInfo> mine = new ArrayList<>(existing);
      mine.add(attachment);
      String resolvConf = resolvConf(target, spec, dns);
      etcFiles.write(mine, existing, resolvConf, undo);
      // what berthd just wrote, read before the container can change it, and kept in the store
      ResolvConf.Internal upstreams = null;
      if (attachment.mode() == Mode.BRIDGE && existing.isEmpty()) {
        upstreams = ResolvConf.internal(resolvConf);
      } else if (attachment.mode() == Mode.BRIDGE && switchesToResolver(namespace, containerId, target)) {
        String switched = resolverConf(existing.get(0).dns(), existing.get(0).ipv6() != null,
            target.network().ipv6() || existing.stream().anyMatch(a -> a.ipv6() != null));
        // a file the container changed does not name the resolver: it would serve nobody
        if (etcFiles.switchToResolver(existing.get(0), existing.get(0).dns(), switched, undo)) {
          upstreams = ResolvConf.internal(switched);
        }
      }
      if (upstreams != null) {
        AttachmentInfo opened = attachment;
        openResolver(mine, upstreams);
        undo.add("DNS resolver of " + containerId, () -> resolver.close(namespace, opened.containerId()));
      }
      List<AttachmentInfo> all = new ArrayList<>(store.attachments());
      all.add(attachment);
      host.applyRules(NatRules.render(store.networks(), all));
      undo.add("nftables rules", () -> host.applyRules(NatRules.render(store.networks(), store.attachments())));
      // the first attachment carries the ports the container asks for, which every later gateway publishes
      store.insertAttachment(attachment, upstreams, existing.isEmpty() ? spec.ports() : null);
    } catch (IOException e) {
      undo.run();
      throw Errors.internal(e, "attaching %s to %s: %s", containerId, target.key(), e.getMessage());
    } catch (RuntimeException e) {
      undo.run();
      throw e;
    }
    LOG.info("attached " + namespace + "/" + containerId + " to " + target.key()
        + (attachment.hasAddress() ? " as " + attachment.ip() : ""));
    etcFiles.refreshPeers(attachment, List.of());
    refreshNames();
    if (attachment.mode() == Mode.BRIDGE && !existing.isEmpty()) {
      try {
        gatewayMove.reelect(namespace, containerId, target.key());
      } catch (RuntimeException e) {
        // a connect the new gateway cannot take is undone whole, as Docker's daemon fails it
        try {
          remove(attachment, false);
        } catch (IOException removing) {
          LOG.warning("undoing the attachment of " + namespace + "/" + containerId + " to " + target.key() + ": "
              + removing.getMessage());
        }
        throw e;
      }
      String network = attachment.network();
      attachment = store.attachments(namespace, containerId).stream()
          .filter(a -> a.network().equals(network)).findFirst().orElse(attachment);
    }
    return present(attachment);
  }

  private Target target(String namespace, String containerId, String network) {
    if (network.equals(HOST)) {
      return new Target(Mode.HOST, HOST, null, null);
    }
    if (network.equals(NONE)) {
      return new Target(Mode.NONE, NONE, null, null);
    }
    if (network.startsWith(CONTAINER_PREFIX)) {
      String other = Identifiers.validate("container id", network.substring(CONTAINER_PREFIX.length()));
      if (other.equals(containerId)) {
        throw Errors.invalidArgument("container %s cannot share its own network namespace", containerId);
      }
      List<AttachmentInfo> theirs = store.attachments(namespace, other);
      if (theirs.isEmpty()) {
        throw Errors.notFound("container %s has no network attachment to share", other);
      }
      return new Target(Mode.CONTAINER, network, null, theirs.get(0));
    }
    Identifiers.validate("network name", network);
    return new Target(Mode.BRIDGE, network, network(network), null);
  }

  /** The namespace an attachment uses, and whether Berth pinned it (and so removes it with the last user). */
  private record NetnsChoice(String path, boolean pinned) {}

  private NetnsChoice chooseNetns(String namespace, String containerId, Target target, String requested,
      List<AttachmentInfo> existing, Undo undo) throws IOException {
    if (target.mode() == Mode.HOST) {
      return new NetnsChoice("", false);
    }
    if (target.mode() == Mode.CONTAINER) {
      return new NetnsChoice(target.shared().netns(), target.shared().netnsPinned());
    }
    if (!existing.isEmpty()) {
      AttachmentInfo first = existing.get(0);
      if (!requested.isEmpty() && !requested.equals(first.netns())) {
        throw Errors.failedPrecondition("container %s already uses network namespace %s", containerId, first.netns());
      }
      return new NetnsChoice(first.netns(), first.netnsPinned());
    }
    if (!requested.isEmpty()) {
      Path path = Path.of(requested);
      if (!path.isAbsolute()) {
        throw Errors.invalidArgument("network namespace path %s must be absolute", Identifiers.printable(requested));
      }
      try {
        netns.check(path);
      } catch (ErrnoException e) {
        if (e.errno() == ErrnoException.ENOENT) {
          throw Errors.notFound("network namespace %s does not exist", requested);
        }
        if (e.errno() == ErrnoException.EINVAL) {
          throw Errors.invalidArgument("%s is not a network namespace", requested);
        }
        throw e;
      }
      return new NetnsChoice(requested, false);
    }
    Path pin = freePin(namespace, containerId);
    // A pin nobody references is a leftover of a crash; a fresh namespace replaces it.
    netns.unpin(pin);
    netns.createPinned(pin);
    undo.add("pin " + pin, () -> netns.unpin(pin));
    return new NetnsChoice(pin.toString(), true);
  }

  /**
   * Where the container's new namespace is pinned: its usual path, unless containers that joined
   * its namespace before it stopped ({@code container:ID}) still use that one. As in Docker, the
   * container restarts in a namespace of its own while they keep the old one (left with loopback
   * alone, its interfaces gone with the container's attachments), so the new one is pinned beside
   * it, at a name no container id can have.
   */
  private Path freePin(String namespace, String containerId) {
    Set<String> used = new HashSet<>();
    store.attachments().forEach(a -> used.add(a.netns()));
    Path pin = netns.pinPath(namespace, containerId);
    for (int n = 1; used.contains(pin.toString()); n++) {
      pin = netns.pinPath(namespace, containerId + "@" + n);
    }
    return pin;
  }

  private AttachmentInfo connectBridge(String namespace, String containerId, NetworkInfo network, NetnsChoice ns,
      AttachSpec spec, List<AttachmentInfo> existing, Undo undo, String hostname, String domainname,
      List<String> aliases, Dns dns, List<HostEntry> extraHosts) throws IOException {
    String ifName = spec.interfaceName().isEmpty() ? nextInterface(existing)
        : Names.device("interface name", spec.interfaceName());
    if (ifName.equals("lo") || existing.stream().anyMatch(a -> a.interfaceName().equals(ifName))) {
      throw Errors.alreadyExists("container %s already has an interface %s", containerId, ifName);
    }
    Ipv4 requested = spec.ip().isEmpty() ? null : Ipv4.parse("address", spec.ip());
    MacAddress requestedMac = spec.mac().isEmpty() ? null : MacAddress.parse(spec.mac());
    LinkLocalAddresses linkLocal = LinkLocalAddresses.parse(spec.linkLocalIps());
    Ipv4 ip = AddressAllocator.allocate(network,
        withAux(store.leases(network.name()), network, IpLiterals::isIpv4,
            a -> Ipv4.parse("auxiliary address", a)), store.lastAllocated(network.name()).orElse(null),
        requested);
    // as Docker 27's bridge driver, an interface asked for no MAC address has one made of its address
    MacAddress mac = requestedMac != null ? requestedMac : MacAddress.of(ip);
    // the subnet and gateway of the pool the address came from, which the container routes through
    Ipv4Pool pool = AddressAllocator.poolOf(network.pools(), ip);
    Ipv6Interface ipv6 = ipv6(network, spec.ip6());
    List<PortMapping> ports = new ArrayList<>();
    // as Docker's daemon: an internal network has no gateway to publish on; the ports asked for are
    // still kept, for the container's next gateway network
    for (PortMapping asked : network.internal() ? List.<PortMapping>of() : spec.ports()) {
      for (PortMapping bound : host.reserveTogether(PortSpecs.perFamily(asked, ipv6 != null, network.name()))) {
        undo.add("reservation of " + bound, () -> host.release(bound));
        ports.add(bound);
      }
    }
    host.ensureBridge(network);
    String hostInterface = "vb" + HexFormat.of().formatHex(randomBytes(5));
    String hostMac;
    try {
      hostMac = host.createVeth(hostInterface, ifName, network, Path.of(ns.path()));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.EEXIST) {
        throw Errors.alreadyExists("an interface named %s already exists in network namespace %s", ifName, ns.path());
      }
      throw e;
    }
    undo.add("veth " + hostInterface, () -> host.deleteLink(hostInterface));
    boolean defaultRoute = AttachmentInfo.takesDefaultRoute(network, existing);
    netns.configure(Path.of(ns.path()), ifName, mac, ip, pool.subnet(), pool.gateway(), ipv6, linkLocal,
        defaultRoute);
    return new AttachmentInfo(namespace, containerId, network.name(), Mode.BRIDGE, ns.path(), ns.pinned(), ifName,
        hostInterface, hostMac, ip, pool.subnet(), pool.gateway(), defaultRoute, mac.toString(), hostname, domainname,
        aliases, List.copyOf(ports), dns, extraHosts, files.directory(namespace, containerId),
        Map.copyOf(spec.labels()), Instant.now(), ipv6, linkLocal.all());
  }

  /** The interface's IPv6 side on a network with IPv6: the address asked for or the next free one; else none. */
  private Ipv6Interface ipv6(NetworkInfo network, String asked) {
    if (!network.ipv6()) {
      if (!asked.isEmpty()) {
        throw Errors.invalidArgument("invalid endpoint settings:\nno configured subnet or ip-range contain the IP "
            + "address %s (network %s has no IPv6)", Identifiers.printable(asked), network.name());
      }
      return null;
    }
    Ipv6 requested = asked.isEmpty() ? null : Ipv6.parse("address", asked);
    Ipv6 ip = AddressAllocator.allocate6(network,
        withAux(store.leases6(network.name()), network, IpLiterals::isIpv6,
            a -> Ipv6.parse("auxiliary address", a)), store.lastAllocated6(network.name()).orElse(null),
        requested);
    Ipv6Pool pool = AddressAllocator.poolOf6(network.pools6(), ip);
    return new Ipv6Interface(ip, pool.subnet(), pool.gateway());
  }

  /**
   * The addresses of a family no container may be given: those leased, and the network's
   * auxiliary ones, which Docker's allocator holds from the network's creation.
   */
  private static <A> Set<A> withAux(Set<A> leased, NetworkInfo network, Predicate<String> ofFamily,
      Function<String, A> parse) {
    Set<A> taken = new HashSet<>(leased);
    network.auxAddresses().values().stream().filter(ofFamily).map(parse).forEach(taken::add);
    return taken;
  }

  /** An attachment without a veth of its own; {@code shared} lends its interface (CONTAINER mode). */
  private AttachmentInfo attachment(String namespace, String containerId, String key, Mode mode, NetnsChoice ns,
      AttachmentInfo shared, String hostname, String domainname, List<String> aliases, Dns dns,
      List<HostEntry> extraHosts, Map<String, String> labels) {
    boolean sharesInterface = shared != null && shared.hasAddress();
    return new AttachmentInfo(namespace, containerId, key, mode, ns.path(), ns.pinned(),
        sharesInterface ? shared.interfaceName() : "", "", "",
        sharesInterface ? shared.ip() : null, sharesInterface ? shared.subnet() : null,
        sharesInterface ? shared.gateway() : null, sharesInterface && shared.defaultRoute(),
        sharesInterface ? shared.mac() : "", hostname, domainname, aliases, List.of(), dns, extraHosts,
        files.directory(namespace, containerId), Map.copyOf(labels), Instant.now(),
        sharesInterface ? shared.ipv6() : null, sharesInterface ? shared.linkLocalIps() : List.of());
  }

  private static String nextInterface(List<AttachmentInfo> existing) {
    Set<String> taken = new HashSet<>();
    existing.forEach(a -> taken.add(a.interfaceName()));
    int n = 0;
    while (taken.contains("eth" + n)) {
      n++;
    }
    return "eth" + n;
  }

  private static String defaultHostname(String containerId) {
    return containerId.substring(0, Math.min(12, containerId.length()));
  }

  /**
   * The container's resolv.conf, as Docker writes it: on a user-defined network one naming the
   * embedded resolver, which forwards to the servers the file would have named; a container
   * joining another's namespace has that one's, whatever it names (Docker's share one file; this
   * copy is switched with the other's, see {@link EtcFiles#switchToResolver}); otherwise {@code dns}.
   */
  private String resolvConf(Target target, AttachSpec spec, Dns dns) throws IOException {
    Dns asked = spec.dns();
    ResolvConf.Host host = hostFile();
    boolean ipv6 = reachesIpv6(target);
    if (target.mode() == Mode.BRIDGE && !target.network().isDefault()) {
      return ResolvConf.renderInternal(host, asked, fallbackDns(ipv6), ipv6);
    }
    if (target.mode() == Mode.CONTAINER) {
      AttachmentInfo shared = target.shared();
      Optional<String> theirs = files.readResolvConf(shared.files());
      if (theirs.isEmpty()) {
        LOG.warning("the resolv.conf of " + shared.namespace() + "/" + shared.containerId()
            + " is gone, no regular file or over " + ContainerFiles.MAX_RESOLV_CONF + " bytes: a container joining its"
            + " network gets one of its own");
      }
      return theirs.orElseGet(() -> ResolvConf.render(host, asked, dns, true, ipv6));
    }
    if (spec.containerdResolvConf()) {
      return ResolvConf.renderLines(dns);
    }
    return ResolvConf.render(host, asked, dns, target.mode() != Mode.HOST, ipv6);
  }

  private ResolvConf.Host hostFile() {
    try {
      return ResolvConf.load(config.hostResolvConf());
    } catch (IOException e) {
      throw Errors.internal(e, "reading %s: %s", config.hostResolvConf(), e.getMessage());
    }
  }

  /** Resolvers asked for replace the host's field by field (servers, search, options), as Docker does. */
  private Dns dns(Target target, Dns asked) {
    asked.nameservers().forEach(ns -> Names.address("DNS server", ns));
    asked.search().forEach(s -> Names.word("DNS search domain", s));
    asked.options().forEach(o -> Names.word("DNS option", o));
    Dns hostDns = hostFile().dns();
    boolean ipv6 = reachesIpv6(target);
    Dns base = target.mode() == Mode.HOST ? hostDns
        : ResolvConf.forOwnNamespace(hostDns, fallbackDns(ipv6), ipv6);
    return new Dns(asked.nameservers().isEmpty() ? base.nameservers() : List.copyOf(asked.nameservers()),
        // Docker's: a search domain "." asks for none, so given alone it empties the host's list
        asked.search().isEmpty() ? base.search() : asked.search().stream().filter(d -> !d.equals(".")).toList(),
        asked.options().isEmpty() ? base.options() : List.copyOf(asked.options()));
  }

  // ---- detach ----

  @Override
  public synchronized void detach(String namespace, String containerId, String network) {
    Identifiers.validate("container id", containerId);
    List<AttachmentInfo> mine = store.attachments(namespace, containerId);
    List<AttachmentInfo> targets = new ArrayList<>();
    for (AttachmentInfo a : mine) {
      if (network.isEmpty() || a.network().equals(network)) {
        targets.add(0, a);
      }
    }
    for (AttachmentInfo a : targets) {
      try {
        // one network given up (network disconnect), the container may run on in its namespace with
        // its files bind-mounted: they stay for a network connected later to write into
        remove(a, !network.isEmpty());
      } catch (IOException e) {
        throw Errors.internal(e, "detaching %s from %s: %s", containerId, a.network(), e.getMessage());
      }
      LOG.info("detached " + namespace + "/" + containerId + " from " + a.network());
      if (!network.isEmpty() && a.mode() == Mode.BRIDGE && a.defaultRoute()) {
        // the gateway network given up: the next one routes the container and publishes its ports
        gatewayMove.reelect(namespace, containerId, null);
      }
    }
    if (network.isEmpty()) {
      try {
        // also the files a last network disconnected left
        files.delete(files.directory(namespace, containerId));
      } catch (IOException e) {
        throw Errors.internal(e, "removing the files of %s: %s", containerId, e.getMessage());
      }
    }
  }

  /**
   * Takes an attachment out of the kernel and the store: rules first (so nothing is forwarded to
   * an address about to be reused), then the veth, the reservations, the records, the pin and
   * the files (unless {@code keepFiles}: see {@link EtcFiles#afterDetach}). Each step tolerates its
   * object being gone already, so a retry after a crash finishes the job.
   */
  private void remove(AttachmentInfo a, boolean keepFiles) throws IOException {
    List<AttachmentInfo> remaining = store.attachments().stream().filter(o -> !sameKey(o, a)).toList();
    host.applyRules(NatRules.render(store.networks(), remaining));
    if (a.mode() == Mode.BRIDGE) {
      host.deleteLink(a.hostInterface());
      for (PortMapping p : a.ports()) {
        host.release(p);
      }
    }
    store.deleteAttachment(a);
    if (store.attachments(a.namespace(), a.containerId()).isEmpty()) {
      resolver.close(a.namespace(), a.containerId());
    }
    if (a.netnsPinned() && remaining.stream().noneMatch(o -> o.netns().equals(a.netns()))) {
      netns.unpin(Path.of(a.netns()));
    }
    etcFiles.afterDetach(a, keepFiles);
    refreshNames();
  }

  private static boolean sameKey(AttachmentInfo x, AttachmentInfo y) {
    return x.namespace().equals(y.namespace()) && x.containerId().equals(y.containerId())
        && x.network().equals(y.network());
  }

  // ---- rename ----

  @Override
  public synchronized void rename(String namespace, String containerId, String oldName, String newName) {
    Identifiers.validate("container id", containerId);
    Names.hostsName("old name", oldName);
    Names.hostsName("new name", newName);
    List<AttachmentInfo> renamed = new ArrayList<>();
    for (AttachmentInfo a : store.attachments(namespace, containerId)) {
      if (a.aliases().contains(oldName)) {
        AttachmentInfo r = a.renamed(oldName, newName);
        store.updateAliases(r);
        renamed.add(r);
      }
    }
    if (!renamed.isEmpty()) {
      etcFiles.afterRename(renamed);
      refreshNames();
      LOG.info("renamed " + namespace + "/" + containerId + " from " + oldName + " to " + newName);
    }
  }

  // ---- queries ----

  @Override
  public synchronized AttachmentInfo getAttachment(String namespace, String containerId, String network) {
    Identifiers.validate("container id", containerId);
    List<AttachmentInfo> mine = store.attachments(namespace, containerId);
    return mine.stream()
        .filter(a -> network.isEmpty() || a.network().equals(network))
        .findFirst()
        .map(this::present)
        .orElseThrow(() -> network.isEmpty()
            ? Errors.notFound("container %s is not attached to any network", containerId)
            : Errors.notFound("container %s is not attached to %s", containerId, network));
  }

  @Override
  public synchronized List<AttachmentInfo> listAttachments(String namespace, Filter filter) {
    return store.attachments().stream()
        .filter(a -> a.namespace().equals(namespace))
        .map(this::present)
        .filter(a -> filter.matches(a::field))
        .toList();
  }

  /**
   * Reads the counters outside the lock (a namespace's netlink dump on a thread of its own), so
   * that frequent stats calls do not hold up attaches; a namespace that goes meanwhile is
   * NOT_FOUND, as if the container had been detached first.
   */
  @Override
  public NetworkStats stats(String namespace, String containerId) {
    Counted counted = counted(namespace, containerId);
    if (counted.interfaces().isEmpty()) {
      return new NetworkStats(Instant.now(), List.of());
    }
    Map<String, InterfaceStats> read;
    try {
      read = netns.linkStats(Path.of(counted.netns()));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT || e.errno() == ErrnoException.EINVAL) {
        throw Errors.notFound("container %s is not attached to any network", containerId);
      }
      throw Errors.internal(e, "reading the interface counters of %s: %s", containerId, e.getMessage());
    } catch (IOException e) {
      throw Errors.internal(e, "reading the interface counters of %s: %s", containerId, e.getMessage());
    }
    Instant at = Instant.now();
    return new NetworkStats(at, counted.interfaces().stream().map(read::get).filter(Objects::nonNull).toList());
  }

  /** The namespace to read and the interfaces Berth put there, in attach order. */
  private record Counted(String netns, List<String> interfaces) {}

  private synchronized Counted counted(String namespace, String containerId) {
    AttachmentInfo first = getAttachment(namespace, containerId, "");
    if (first.mode() == Mode.HOST) {
      return new Counted("", List.of());
    }
    return new Counted(first.netns(), store.attachments().stream()
        .filter(a -> a.mode() == Mode.BRIDGE && a.netns().equals(first.netns()))
        .map(AttachmentInfo::interfaceName)
        .toList());
  }

  /** An attachment as answered: one in the host's namespace (HOST mode, or sharing such) names it. */
  private AttachmentInfo present(AttachmentInfo a) {
    if (!a.netns().isEmpty()) {
      return a;
    }
    String path = config.hostNetns() != null ? config.hostNetns().toString()
        : "/proc/" + ProcessHandle.current().pid() + "/ns/net";
    return a.withNetns(path);
  }

  /** Addresses leased on all networks, as "network ip": for checks that nothing was left behind. */
  public synchronized List<String> leases() {
    return store.allLeases();
  }

  /** The containers the embedded resolver serves: for checks that nothing was left behind. */
  public int resolversServed() {
    return resolver.served();
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  @Override
  public void close() {
    if (resolverRestore != null) {
      resolverRestore.interrupt();
      try {
        resolverRestore.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      resolver.close();
      host.close();
    }
  }
}
