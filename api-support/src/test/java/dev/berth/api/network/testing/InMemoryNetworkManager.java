package dev.berth.api.network.testing;

import dev.berth.api.Identifiers;
import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.HostEntrySpec;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.api.network.AttachSpec;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Dns;
import dev.berth.api.network.GatewayElection;
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
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A {@link NetworkManager} that touches no kernel, for tests of what uses networks: it keeps
 * networks, attachments, addresses and published ports in memory and refuses what the kernel
 * manager refuses, with the same codes (the network contract test holds both to that). It
 * creates no namespaces, devices, rules or files: namespace paths are those asked for or names
 * nothing stands behind, resolvers are those asked for, and the files directory is never written.
 */
public final class InMemoryNetworkManager implements NetworkManager {
  public static final String DEFAULT_NETWORK = "bridge";
  private static final String HOST = "host";
  private static final String NONE = "none";
  private static final String CONTAINER_PREFIX = "container:";
  private static final int DEFAULT_MTU = 1500;
  private static final Path STATE = Path.of("/run/berth-in-memory");
  private static final Pattern DEVICE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$");
  /** Aliases: host names, or container names, which may hold '_'. */
  private static final Pattern HOSTS_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$");
  private static final Pattern WORD = Pattern.compile("^[^\\s#;]+$");
  private static final Pattern IPV6_LITERAL = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");
  private static final int MAX_LABEL_BYTES = 4096;
  private static final Pattern HOSTNAME = Pattern.compile(
      "^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$");

  private final Map<String, NetworkInfo> networks = new LinkedHashMap<>();
  private final Map<String, AddressPool> addresses = new HashMap<>();
  private final Map<String, AddressPool6> addresses6 = new HashMap<>();
  private final List<AttachmentInfo> attachments = new ArrayList<>();
  private final HostPorts ports = new HostPorts();
  /** The ports each container (namespace/id) asked to publish, with its first attachment. */
  private final Map<String, List<PortMapping>> requested = new HashMap<>();
  private final String hostNetns = "/proc/" + ProcessHandle.current().pid() + "/ns/net";

  /** Starts with the default network, as the kernel manager does on first start. */
  public InMemoryNetworkManager() {
    Subnet subnet = new Subnet(new Ipv4((10 << 24) | (88 << 16)), 16);
    add(new NetworkInfo(DEFAULT_NETWORK, NetworkInfo.DRIVER_BRIDGE, subnet, subnet.firstHost(), "berth0",
        DEFAULT_MTU, true, false, Map.of(), Instant.now(), true, NetworkInfo.newId(), null, true));
  }

  private void add(NetworkInfo network) {
    networks.put(network.name(), network);
    addresses.put(network.name(), new AddressPool(network));
    addresses6.put(network.name(), new AddressPool6(network));
  }

  // ---- networks ----

  @Override
  public synchronized NetworkInfo createNetwork(NetworkSpec spec) {
    String name = Identifiers.validate("network name", spec.name());
    if (name.equals(HOST) || name.equals(NONE)) {
      throw Errors.invalidArgument("network name %s is reserved for the %s mode", name, name);
    }
    if (networks.containsKey(name)) {
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
    List<Ipv4Pool> pools = new ArrayList<>();
    pools.add(pool(spec.subnet().isEmpty() ? freeSubnet() : Subnet.parse(spec.subnet()), spec.gateway(),
        spec.ipRange()));
    List<Ipv6Pool> pools6 = new ArrayList<>();
    if (spec.ipv6()) {
      pools6.add(pool6(spec.subnet6().isEmpty() ? freeSubnet6() : Subnet6.parse(spec.subnet6()), spec.gateway6(),
          spec.ipRange6()));
    }
    for (NetworkSpec.PoolSpec p : spec.morePools()) {
      if (!p.subnet().contains(":")) {
        pools.add(pool(Subnet.parse(p.subnet()), p.gateway(), p.ipRange()));
      } else if (spec.ipv6()) {
        pools6.add(pool6(Subnet6.parse(p.subnet()), p.gateway(), p.ipRange()));
      } else {
        throw Errors.invalidArgument("an IPv6 subnet, range or gateway needs IPv6 enabled on the network (--ipv6)");
      }
    }
    refuseOverlaps(pools.stream().map(Ipv4Pool::subnet).toList(), Subnet::overlaps, NetworkInfo::pools,
        Ipv4Pool::subnet);
    refuseOverlaps(pools6.stream().map(Ipv6Pool::subnet).toList(), Subnet6::overlaps, NetworkInfo::pools6,
        Ipv6Pool::subnet);
    for (Map.Entry<String, String> aux : spec.auxAddresses().entrySet()) {
      String a = aux.getValue();
      boolean inAPool = a.contains(":")
          ? pools6.stream().anyMatch(p -> p.subnet().contains(Ipv6.parse("auxiliary address", a)))
          : pools.stream().anyMatch(p -> p.subnet().contains(Ipv4.parse("auxiliary address", a)));
      if (!inAPool) {
        throw Errors.invalidArgument("auxiliary address %s=%s is not an address of the network's subnets",
            aux.getKey(), a);
      }
    }
    Ipv4Pool first = pools.get(0);
    Ipv6Pool first6 = pools6.isEmpty() ? null : pools6.get(0);
    String id = NetworkInfo.newId();
    String bridge = spec.bridge().isEmpty() ? "br-" + id.substring(0, 12) : checked(DEVICE, "bridge name", spec.bridge());
    for (NetworkInfo other : networks.values()) {
      if (other.bridge().equals(bridge)) {
        // the kernel manager's words, Docker's bridge driver's
        throw Errors.failedPrecondition("cannot create network %s (%s): conflicts with network %s (%s): networks have "
            + "same bridge name", id, bridge, other.id(), other.bridge());
      }
    }
    NetworkInfo network = new NetworkInfo(name, NetworkInfo.DRIVER_BRIDGE, first.subnet(), first.gateway(), bridge,
        mtu, spec.masquerade() == null || spec.masquerade(), spec.internal(), Map.copyOf(spec.labels()),
        Instant.now(), false, id, first.ipRange(), spec.icc() == null || spec.icc(),
        first6 == null ? null : first6.subnet(), first6 == null ? null : first6.gateway(), spec.subnet().isEmpty(),
        spec.ipv6() && spec.subnet6().isEmpty(), first6 == null ? null : first6.ipRange(),
        Map.copyOf(spec.auxAddresses()), pools.subList(1, pools.size()),
        pools6.isEmpty() ? List.of() : pools6.subList(1, pools6.size()), spec.ipamOptions());
    add(network);
    return network;
  }

  /** A pool as the kernel manager makes one: its range in the subnet, its gateway the range's first host unless given. */
  private static Ipv4Pool pool(Subnet subnet, String gatewayAsked, String ipRangeAsked) {
    Subnet ipRange = null;
    if (!ipRangeAsked.isEmpty()) {
      ipRange = Subnet.parse(ipRangeAsked);
      if (ipRange.prefix() < subnet.prefix() || !subnet.contains(ipRange.network())) {
        throw Errors.invalidArgument("IP range %s is not inside subnet %s", ipRange, subnet);
      }
    }
    // as the kernel manager, after Docker's allocator: the range's first host address
    Ipv4 gateway = !gatewayAsked.isEmpty() ? Ipv4.parse("gateway", gatewayAsked)
        : ipRange != null && ipRange.network().compareTo(subnet.firstHost()) > 0 ? ipRange.network()
        : subnet.firstHost();
    if (!subnet.isHost(gateway)) {
      throw Errors.invalidArgument("gateway %s is not a host address of subnet %s", gateway, subnet);
    }
    return new Ipv4Pool(subnet, gateway, ipRange);
  }

  /** {@link #pool} for IPv6, whose subnet's first address is no host's. */
  private static Ipv6Pool pool6(Subnet6 subnet, String gatewayAsked, String ipRangeAsked) {
    Subnet6 ipRange = null;
    if (!ipRangeAsked.isEmpty()) {
      ipRange = Subnet6.parse(ipRangeAsked);
      if (ipRange.prefix() < subnet.prefix() || !subnet.contains(ipRange.network())) {
        throw Errors.invalidArgument("IP range %s is not inside subnet %s", ipRange, subnet);
      }
    }
    Ipv6 gateway = !gatewayAsked.isEmpty() ? Ipv6.parse("gateway", gatewayAsked)
        : ipRange != null && ipRange.network().compareTo(subnet.firstHost()) > 0 ? ipRange.network()
        : subnet.firstHost();
    if (!subnet.isHost(gateway)) {
      throw Errors.invalidArgument("gateway %s is not a host address of subnet %s", gateway, subnet);
    }
    return new Ipv6Pool(subnet, gateway, ipRange);
  }

  /** FAILED_PRECONDITION, in the kernel manager's words, for subnets overlapping one another or another network's. */
  private <S, P> void refuseOverlaps(List<S> subnets, BiPredicate<S, S> overlap,
      Function<NetworkInfo, List<P>> poolsOf, Function<P, S> subnetOf) {
    for (int i = 0; i < subnets.size(); i++) {
      S mine = subnets.get(i);
      for (S earlier : subnets.subList(0, i)) {
        refuseOverlap(overlap.test(mine, earlier), mine, earlier, "being created");
      }
      for (NetworkInfo other : networks.values()) {
        for (P theirs : poolsOf.apply(other)) {
          refuseOverlap(overlap.test(mine, subnetOf.apply(theirs)), mine, subnetOf.apply(theirs), other.name());
        }
      }
    }
  }

  private static void refuseOverlap(boolean overlaps, Object subnet, Object theirs, String network) {
    if (overlaps) {
      throw Errors.failedPrecondition("invalid pool request: Pool overlaps with other one on this address space "
          + "(subnet %s overlaps subnet %s of network %s)", subnet, theirs, network);
    }
  }

  /** A unique local /64 no other network has. */
  private Subnet6 freeSubnet6() {
    for (int b = 1; b <= 0xffff; b++) {
      Subnet6 candidate = Subnet6.parse(String.format("fd42:%x::/64", b));
      if (networks.values().stream().flatMap(n -> n.pools6().stream()).noneMatch(p -> p.subnet().overlaps(candidate))) {
        return candidate;
      }
    }
    throw Errors.resourceExhausted("no free IPv6 subnet left; give one explicitly");
  }

  /** The kernel manager's candidates, 10.88.0.0/16 to 10.127.0.0/16; no host routes to avoid here. */
  private Subnet freeSubnet() {
    for (int b = 88; b <= 127; b++) {
      Subnet candidate = new Subnet(new Ipv4((10 << 24) | (b << 16)), 16);
      if (networks.values().stream().flatMap(n -> n.pools().stream()).noneMatch(p -> p.subnet().overlaps(candidate))) {
        return candidate;
      }
    }
    throw Errors.resourceExhausted("no free private subnet left; give one explicitly");
  }

  @Override
  public synchronized NetworkInfo getNetwork(String nameOrId) {
    Identifiers.validate("network name", nameOrId);
    return NetworkInfo.find(nameOrId, Optional.ofNullable(networks.get(nameOrId)), networks.values());
  }

  @Override
  public synchronized List<NetworkInfo> listNetworks(Filter filter) {
    return networks.values().stream().filter(n -> filter.matches(n.fields())).toList();
  }

  @Override
  public synchronized void deleteNetwork(String nameOrId) {
    Identifiers.validate("network name", nameOrId);
    NetworkInfo network = NetworkInfo.find(nameOrId, Optional.ofNullable(networks.get(nameOrId)), networks.values());
    String name = network.name();
    // the kernel manager's words, Docker's daemon's
    if (network.isDefault()) {
      throw Errors.failedPrecondition("%s is a pre-defined network and cannot be removed", name);
    }
    if (attachments.stream().anyMatch(a -> a.network().equals(name))) {
      throw Errors.failedPrecondition("error while removing network: network %s id %s has active endpoints", name,
          network.id());
    }
    networks.remove(name);
    addresses.remove(name);
    addresses6.remove(name);
  }

  private NetworkInfo network(String name) {
    NetworkInfo n = networks.get(name);
    if (n == null) {
      throw Errors.notFound("network %s not found", name);
    }
    return n;
  }

  // ---- attachments ----

  @Override
  public synchronized AttachmentInfo attach(String namespace, AttachSpec spec) {
    String containerId = Identifiers.validate("container id", spec.containerId());
    String key = spec.network().isEmpty() ? DEFAULT_NETWORK : spec.network();
    Mode mode = mode(key);
    AttachmentInfo shared = mode == Mode.CONTAINER ? shared(namespace, containerId, key) : null;
    NetworkInfo network = mode == Mode.BRIDGE ? network(Identifiers.validate("network name", key)) : null;
    List<AttachmentInfo> existing = attachments(namespace, containerId);
    if (existing.stream().anyMatch(a -> a.network().equals(key))) {
      throw Errors.alreadyExists("container %s is already attached to %s", containerId, key);
    }
    if (!existing.isEmpty() && (mode != Mode.BRIDGE || existing.get(0).mode() != Mode.BRIDGE)) {
      throw Errors.failedPrecondition("container %s is attached to %s; %s and %s cannot be combined",
          containerId, existing.get(0).network(), existing.get(0).network(), key);
    }
    if (mode != Mode.BRIDGE) {
      if (!spec.ports().isEmpty()) {
        throw Errors.invalidArgument("ports can only be published on a bridge network, not in %s mode",
            mode.name().toLowerCase(Locale.ROOT));
      }
      if (!spec.ip().isEmpty() || !spec.ip6().isEmpty() || !spec.mac().isEmpty() || !spec.interfaceName().isEmpty()
          || !spec.linkLocalIps().isEmpty()) {
        throw Errors.invalidArgument("an address, MAC address or interface name can only be given on a bridge network");
      }
    }
    if ((mode == Mode.HOST || mode == Mode.CONTAINER) && !spec.netnsPath().isEmpty()) {
      throw Errors.invalidArgument("a network namespace path cannot be given in %s mode",
          mode.name().toLowerCase(Locale.ROOT));
    }
    // as the kernel manager: the container's names are its own, not one network's
    String hostname = !spec.hostname().isEmpty() ? checked(HOSTNAME, "hostname", spec.hostname())
        : shared != null ? shared.hostname()
        : !existing.isEmpty() ? existing.get(0).hostname()
        : containerId.substring(0, Math.min(12, containerId.length()));
    String domainname = !spec.domainname().isEmpty() ? checked(HOSTS_NAME, "domain name", spec.domainname())
        : !existing.isEmpty() ? existing.get(0).domainname() : "";
    spec.aliases().forEach(alias -> checked(HOSTS_NAME, "alias", alias));
    List<HostEntry> extraHosts = spec.extraHosts().stream().map(InMemoryNetworkManager::hostEntry).toList();
    checkDns(spec.dns());
    checkLabels(spec.labels());
    Netns netns = netns(namespace, containerId, mode, shared, existing, spec.netnsPath());
    AttachmentInfo attachment = mode == Mode.BRIDGE
        ? bridged(namespace, containerId, network, netns, spec, existing, hostname, domainname, extraHosts)
        : unaddressed(namespace, containerId, key, mode, netns, shared, spec, hostname, domainname, extraHosts);
    attachments.add(attachment);
    if (existing.isEmpty()) {
      requested.put(namespace + "/" + containerId, List.copyOf(spec.ports()));
    }
    if (mode == Mode.BRIDGE && !existing.isEmpty()) {
      try {
        reelect(namespace, containerId, key);
      } catch (RuntimeException e) {
        attachments.remove(attachment);
        release(attachment);
        throw e;
      }
      attachment = getAttachment(namespace, containerId, attachment.network());
    }
    return present(attachment);
  }

  /**
   * As the kernel manager: the network Docker's daemon elects has the default route and publishes
   * its own ports and those the container asked for, moved when the gateway changes; a network
   * just {@code connected} that cannot take them fails with nothing moved.
   */
  private void reelect(String namespace, String containerId, String connected) {
    List<AttachmentInfo> mine = attachments(namespace, containerId).stream()
        .filter(a -> a.mode() == Mode.BRIDGE && a.hasAddress()).toList();
    Optional<AttachmentInfo> winner = GatewayElection.winner(mine.stream()
        .map(a -> new GatewayElection.Candidate(a.network(), networks.get(a.network()).internal(), a.ipv6() != null))
        .toList()).map(c -> mine.stream().filter(a -> a.network().equals(c.network())).findFirst().orElseThrow());
    Optional<AttachmentInfo> holder = mine.stream().filter(AttachmentInfo::defaultRoute).findFirst();
    List<PortMapping> asked = requested.getOrDefault(namespace + "/" + containerId, List.of());
    if (winner.isEmpty()) {
      return;
    }
    boolean stays = holder.isPresent() && holder.get().network().equals(winner.get().network());
    // only a network just connected to a container without a gateway took the route, not yet the ports
    if (stays && (!winner.get().network().equals(connected) || asked.isEmpty())) {
      return;
    }
    List<PortMapping> held = new ArrayList<>(stays ? List.of() : holder.map(AttachmentInfo::ports).orElse(List.of()));
    List<PortMapping> fresh = new ArrayList<>();
    List<PortMapping> moved = new ArrayList<>(winner.get().ports());
    for (PortMapping p : asked) {
      try {
        for (PortMapping target : perFamily(p, winner.get().ipv6() != null, winner.get().network())) {
          if (moved.contains(target)) {
            continue;
          }
          if (held.remove(target)) {
            moved.add(target);
            continue;
          }
          PortMapping bound = ports.reserve(target);
          fresh.add(bound);
          moved.add(bound);
        }
      } catch (RuntimeException e) {
        if (connected != null) {
          fresh.forEach(ports::release);
          throw e;
        }
      }
    }
    held.forEach(ports::release);
    String from = holder.map(AttachmentInfo::network).orElse("");
    attachments.replaceAll(a -> !mine.contains(a) ? a
        : a.network().equals(winner.get().network()) ? a.withGateway(true, moved)
        : a.withGateway(false, a.network().equals(from) ? List.of() : a.ports()));
  }

  private static Mode mode(String network) {
    if (network.equals(HOST)) {
      return Mode.HOST;
    }
    if (network.equals(NONE)) {
      return Mode.NONE;
    }
    return network.startsWith(CONTAINER_PREFIX) ? Mode.CONTAINER : Mode.BRIDGE;
  }

  private AttachmentInfo shared(String namespace, String containerId, String key) {
    String other = Identifiers.validate("container id", key.substring(CONTAINER_PREFIX.length()));
    if (other.equals(containerId)) {
      throw Errors.invalidArgument("container %s cannot share its own network namespace", containerId);
    }
    List<AttachmentInfo> theirs = attachments(namespace, other);
    if (theirs.isEmpty()) {
      throw Errors.notFound("container %s has no network attachment to share", other);
    }
    return theirs.get(0);
  }

  /** A network namespace as the kernel manager chooses it; {@code pinned} ones are its own. */
  private record Netns(String path, boolean pinned) {}

  private static Netns netns(String namespace, String containerId, Mode mode, AttachmentInfo shared,
      List<AttachmentInfo> existing, String requested) {
    if (mode == Mode.HOST) {
      return new Netns("", false);
    }
    if (mode == Mode.CONTAINER) {
      return new Netns(shared.netns(), shared.netnsPinned());
    }
    if (!existing.isEmpty()) {
      AttachmentInfo first = existing.get(0);
      if (!requested.isEmpty() && !requested.equals(first.netns())) {
        throw Errors.failedPrecondition("container %s already uses network namespace %s", containerId, first.netns());
      }
      return new Netns(first.netns(), first.netnsPinned());
    }
    if (!requested.isEmpty()) {
      if (!Path.of(requested).isAbsolute()) {
        throw Errors.invalidArgument("network namespace path %s must be absolute", Identifiers.printable(requested));
      }
      return new Netns(requested, false);
    }
    return new Netns(STATE.resolve("netns").resolve(namespace).resolve(containerId).toString(), true);
  }

  private AttachmentInfo bridged(String namespace, String containerId, NetworkInfo network, Netns netns,
      AttachSpec spec, List<AttachmentInfo> existing, String hostname, String domainname,
      List<HostEntry> extraHosts) {
    String ifName = spec.interfaceName().isEmpty() ? nextInterface(existing)
        : checked(DEVICE, "interface name", spec.interfaceName());
    if (ifName.equals("lo") || existing.stream().anyMatch(a -> a.interfaceName().equals(ifName))) {
      throw Errors.alreadyExists("container %s already has an interface %s", containerId, ifName);
    }
    Ipv4 requested = spec.ip().isEmpty() ? null : Ipv4.parse("address", spec.ip());
    String containerMac = spec.mac().isEmpty() ? null : MacAddress.parse(spec.mac()).toString();
    List<IpAddress> linkLocal = IpAddress.linkLocal(spec.linkLocalIps());
    if (!network.ipv6() && !spec.ip6().isEmpty()) {
      // the kernel manager's words
      throw Errors.invalidArgument("invalid endpoint settings:\nno configured subnet or ip-range contain the IP "
          + "address %s (network %s has no IPv6)", Identifiers.printable(spec.ip6()), network.name());
    }
    Ipv6 requested6 = spec.ip6().isEmpty() ? null : Ipv6.parse("address", spec.ip6());
    AddressPool pool = addresses.get(network.name());
    AddressPool.Lease lease = pool.lease(requested);
    Ipv4 ip = lease.ip();
    Ipv6Interface ipv6 = null;
    List<PortMapping> bound = new ArrayList<>();
    try {
      ipv6 = network.ipv6() ? addresses6.get(network.name()).lease(requested6) : null;
      // an internal network has no gateway to publish on: the ports asked for wait for the next one
      for (PortMapping asked : network.internal() ? List.<PortMapping>of() : spec.ports()) {
        List<PortMapping> family = perFamily(asked, ipv6 != null, network.name());
        PortMapping first = ports.reserve(family.get(0));
        bound.add(first);
        // Docker's pair on one host port: the IPv6 mapping takes the port the IPv4 one got
        for (PortMapping other : family.subList(1, family.size())) {
          bound.add(ports.reserve(other.withHostPort(first.hostPort())));
        }
      }
    } catch (RuntimeException e) {
      // all or nothing, as an attach on the kernel
      bound.forEach(ports::release);
      pool.release(ip);
      if (ipv6 != null) {
        addresses6.get(network.name()).release(ipv6.ip());
      }
      throw e;
    }
    return new AttachmentInfo(namespace, containerId, network.name(), Mode.BRIDGE, netns.path(), netns.pinned(),
        ifName, "vb" + HexFormat.of().toHexDigits(ip.bits()), mac("0a", ip), ip, lease.pool().subnet(),
        lease.pool().gateway(), AttachmentInfo.takesDefaultRoute(network, existing),
        containerMac != null ? containerMac : mac("02", ip), hostname, domainname, List.copyOf(spec.aliases()),
        List.copyOf(bound), dns(spec), extraHosts, files(namespace, containerId), Map.copyOf(spec.labels()),
        Instant.now(), ipv6, linkLocal);
  }

  /**
   * The mappings a port asked for takes, as the kernel manager's: one of every family is one on
   * 0.0.0.0 and, with IPv6, one on {@code ::}; an IPv6 host IP needs IPv6.
   */
  private static List<PortMapping> perFamily(PortMapping asked, boolean ipv6, String network) {
    if (asked.hostIp() == null) {
      return ipv6 ? List.of(asked.withHostIp(PortMapping.ANY), asked.withHostIp(Ipv6.ANY))
          : List.of(asked.withHostIp(PortMapping.ANY));
    }
    if (asked.hostIp().isIpv6() && !ipv6) {
      throw Errors.invalidArgument("host IP %s is an IPv6 address, and the container has no IPv6 address on network"
          + " %s", asked.hostIp(), network);
    }
    return List.of(asked);
  }

  private void release(AttachmentInfo a) {
    if (a.mode() != Mode.BRIDGE) {
      return;
    }
    addresses.get(a.network()).release(a.ip());
    if (a.ipv6() != null) {
      addresses6.get(a.network()).release(a.ipv6().ip());
    }
  }

  private AttachmentInfo unaddressed(String namespace, String containerId, String key, Mode mode, Netns netns,
      AttachmentInfo shared, AttachSpec spec, String hostname, String domainname, List<HostEntry> extraHosts) {
    boolean sharesInterface = shared != null && shared.hasAddress();
    return new AttachmentInfo(namespace, containerId, key, mode, netns.path(), netns.pinned(),
        sharesInterface ? shared.interfaceName() : "", "", "",
        sharesInterface ? shared.ip() : null, sharesInterface ? shared.subnet() : null,
        sharesInterface ? shared.gateway() : null, sharesInterface && shared.defaultRoute(),
        sharesInterface ? shared.mac() : "", hostname, domainname, List.copyOf(spec.aliases()), List.of(),
        dns(spec), extraHosts, files(namespace, containerId), Map.copyOf(spec.labels()), Instant.now(),
        sharesInterface ? shared.ipv6() : null, sharesInterface ? shared.linkLocalIps() : List.of());
  }

  /** Device and host names as the kernel manager checks them: INVALID_ARGUMENT naming {@code what}. */
  private static String checked(Pattern pattern, String what, String name) {
    if (!pattern.matcher(name).matches()) {
      throw Errors.invalidArgument("%s %s is invalid", what, Identifiers.printable(name));
    }
    return name;
  }

  private static String nextInterface(List<AttachmentInfo> existing) {
    List<String> taken = existing.stream().map(AttachmentInfo::interfaceName).toList();
    int n = 0;
    while (taken.contains("eth" + n)) {
      n++;
    }
    return "eth" + n;
  }

  /** A MAC address made from the IP address, unique as it is; {@code prefix} a locally administered first octet. */
  private static String mac(String prefix, Ipv4 ip) {
    return prefix + ":42:" + HexFormat.ofDelimiter(":").formatHex(ip.bytes());
  }

  /** Without a host resolv.conf to start from, the resolvers asked for are all there are. */
  private static Dns dns(AttachSpec spec) {
    return new Dns(List.copyOf(spec.dns().nameservers()), List.copyOf(spec.dns().search()),
        List.copyOf(spec.dns().options()));
  }

  /** An extra host in the clients' grammar, its name a host name and its address a literal, as the kernel manager takes it. */
  private static HostEntry hostEntry(String spec) {
    HostEntrySpec parsed;
    try {
      parsed = HostEntrySpec.parse(spec);
    } catch (InvalidValueException e) {
      throw Errors.invalidArgument("extra host: %s", e.getMessage());
    }
    return new HostEntry(checked(HOSTNAME, "extra host name", parsed.hostname()),
        address("extra host address", parsed.ip()));
  }

  /** Resolvers asked for as the kernel manager checks them: servers are address literals, the rest single words. */
  private static void checkDns(Dns dns) {
    dns.nameservers().forEach(ns -> address("DNS server", ns));
    dns.search().forEach(s -> checked(WORD, "DNS search domain", s));
    dns.options().forEach(o -> checked(WORD, "DNS option", o));
  }

  private static String address(String what, String text) {
    if (!Ipv4.isValid(text) && !IPV6_LITERAL.matcher(text).matches()) {
      throw Errors.invalidArgument("%s %s is not an IP address", what, Identifiers.printable(text));
    }
    return text;
  }

  /** containerd's limits on labels, which the kernel manager's store applies. */
  private static void checkLabels(Map<String, String> labels) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw Errors.invalidArgument("label key must not be empty");
      }
      if (e.getKey().length() + e.getValue().length() > MAX_LABEL_BYTES) {
        throw Errors.invalidArgument("label %.40s is longer than %d bytes", e.getKey(), MAX_LABEL_BYTES);
      }
    }
  }

  private static Path files(String namespace, String containerId) {
    return STATE.resolve("network").resolve(namespace).resolve(containerId);
  }

  @Override
  public synchronized void rename(String namespace, String containerId, String oldName, String newName) {
    Identifiers.validate("container id", containerId);
    checked(HOSTS_NAME, "old name", oldName);
    checked(HOSTS_NAME, "new name", newName);
    attachments.replaceAll(a -> a.namespace().equals(namespace) && a.containerId().equals(containerId)
        && a.aliases().contains(oldName) ? a.renamed(oldName, newName) : a);
  }

  // ---- detach and queries ----

  @Override
  public synchronized void detach(String namespace, String containerId, String network) {
    Identifiers.validate("container id", containerId);
    for (AttachmentInfo a : attachments(namespace, containerId)) {
      if (network.isEmpty() || a.network().equals(network)) {
        attachments.remove(a);
        release(a);
        a.ports().forEach(ports::release);
        if (!network.isEmpty() && a.mode() == Mode.BRIDGE && a.defaultRoute()) {
          // the gateway network given up: the next one routes the container and publishes its ports
          reelect(namespace, containerId, null);
        }
      }
    }
    if (attachments(namespace, containerId).isEmpty()) {
      requested.remove(namespace + "/" + containerId);
    }
  }

  @Override
  public synchronized AttachmentInfo getAttachment(String namespace, String containerId, String network) {
    Identifiers.validate("container id", containerId);
    return attachments(namespace, containerId).stream()
        .filter(a -> network.isEmpty() || a.network().equals(network))
        .findFirst()
        .map(this::present)
        .orElseThrow(() -> network.isEmpty()
            ? Errors.notFound("container %s is not attached to any network", containerId)
            : Errors.notFound("container %s is not attached to %s", containerId, network));
  }

  @Override
  public synchronized List<AttachmentInfo> listAttachments(String namespace, Filter filter) {
    return attachments.stream()
        .filter(a -> a.namespace().equals(namespace))
        .map(this::present)
        .filter(a -> filter.matches(a::field))
        .toList();
  }

  /** The interfaces the kernel manager would read, without traffic: nothing moves here. */
  @Override
  public synchronized NetworkStats stats(String namespace, String containerId) {
    AttachmentInfo first = getAttachment(namespace, containerId, "");
    List<InterfaceStats> interfaces = first.mode() == Mode.HOST ? List.of() : attachments.stream()
        .filter(a -> a.mode() == Mode.BRIDGE && a.netns().equals(first.netns()))
        .map(a -> InterfaceStats.idle(a.interfaceName()))
        .toList();
    return new NetworkStats(Instant.now(), interfaces);
  }

  private List<AttachmentInfo> attachments(String namespace, String containerId) {
    return attachments.stream()
        .filter(a -> a.namespace().equals(namespace) && a.containerId().equals(containerId))
        .toList();
  }

  /** As the kernel manager answers: the host's namespace is named by this process's. */
  private AttachmentInfo present(AttachmentInfo a) {
    return a.netns().isEmpty() ? a.withNetns(hostNetns) : a;
  }

  @Override
  public void close() {}
}
