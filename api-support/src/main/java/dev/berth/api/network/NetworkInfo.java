package dev.berth.api.network;

import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A bridge network as stored; {@code id} is 64 random hex digits, as Docker's network ids.
 * {@code ipRange} is the part of the subnet addresses are handed out from, null for all of it;
 * {@code icc} whether containers on it reach each other; {@code subnet6} and {@code gateway6} its
 * IPv6 side, both null on a network without IPv6, and {@code ipRange6} the part of {@code subnet6}
 * IPv6 addresses are handed out from, null for all of it; {@code auxAddresses} addresses of either
 * subnet, by name, that no container is given (Docker's {@code --aux-address}); {@code subnetChosen} and {@code subnet6Chosen}
 * whether the service chose that subnet because none was given, on which Docker lets no container
 * ask for an address. {@code morePools} and {@code morePools6} are the pools of each family after
 * the first (Docker's {@code --subnet} given several times): containers are given an address of
 * the first pool with room, and the bridge carries every pool's gateway. {@code ipamOptions} are
 * Docker's {@code --ipam-opt}, kept and shown, which no allocation takes into account (as Docker's
 * default IPAM driver).
 */
public record NetworkInfo(String name, String driver, Subnet subnet, Ipv4 gateway, String bridge, int mtu,
    boolean masquerade, boolean internal, Map<String, String> labels, Instant createdAt, boolean isDefault,
    String id, Subnet ipRange, boolean icc, Subnet6 subnet6, Ipv6 gateway6, boolean subnetChosen,
    boolean subnet6Chosen, Subnet6 ipRange6, Map<String, String> auxAddresses, List<Ipv4Pool> morePools,
    List<Ipv6Pool> morePools6, Map<String, String> ipamOptions) {
  public static final String DRIVER_BRIDGE = "bridge";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A network without IPv6 whose subnet was given. */
  public NetworkInfo(String name, String driver, Subnet subnet, Ipv4 gateway, String bridge, int mtu,
      boolean masquerade, boolean internal, Map<String, String> labels, Instant createdAt, boolean isDefault,
      String id, Subnet ipRange, boolean icc) {
    this(name, driver, subnet, gateway, bridge, mtu, masquerade, internal, labels, createdAt, isDefault, id, ipRange,
        icc, null, null, false, false, null, Map.of(), List.of(), List.of());
  }

  /** A network without IPAM options. */
  public NetworkInfo(String name, String driver, Subnet subnet, Ipv4 gateway, String bridge, int mtu,
      boolean masquerade, boolean internal, Map<String, String> labels, Instant createdAt, boolean isDefault,
      String id, Subnet ipRange, boolean icc, Subnet6 subnet6, Ipv6 gateway6, boolean subnetChosen,
      boolean subnet6Chosen, Subnet6 ipRange6, Map<String, String> auxAddresses, List<Ipv4Pool> morePools,
      List<Ipv6Pool> morePools6) {
    this(name, driver, subnet, gateway, bridge, mtu, masquerade, internal, labels, createdAt, isDefault, id, ipRange,
        icc, subnet6, gateway6, subnetChosen, subnet6Chosen, ipRange6, auxAddresses, morePools, morePools6, Map.of());
  }

  public NetworkInfo {
    morePools = List.copyOf(morePools);
    morePools6 = List.copyOf(morePools6);
    ipamOptions = Map.copyOf(ipamOptions);
  }

  /** Docker's EnableIPv6: containers get an IPv6 address beside the IPv4 one. */
  public boolean ipv6() {
    return subnet6 != null;
  }

  /** The addresses containers are given when they ask for none: the range, or the whole subnet. */
  public Subnet pool() {
    return ipRange != null ? ipRange : subnet;
  }

  /** The IPv6 addresses containers are given when they ask for none: the IPv6 range, or the whole IPv6 subnet. */
  public Subnet6 pool6() {
    return ipRange6 != null ? ipRange6 : subnet6;
  }

  /** Every IPv4 pool, the first ({@code subnet}, {@code gateway}, {@code ipRange}) first. */
  public List<Ipv4Pool> pools() {
    List<Ipv4Pool> pools = new ArrayList<>();
    pools.add(new Ipv4Pool(subnet, gateway, ipRange));
    pools.addAll(morePools);
    return pools;
  }

  /** Every IPv6 pool, the first first; none on a network without IPv6. */
  public List<Ipv6Pool> pools6() {
    if (!ipv6()) {
      return List.of();
    }
    List<Ipv6Pool> pools = new ArrayList<>();
    pools.add(new Ipv6Pool(subnet6, gateway6, ipRange6));
    pools.addAll(morePools6);
    return pools;
  }

  /** A new network's id. */
  public static String newId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * The network {@code nameOrId} names: by name, else by id or a prefix of ids that only one
   * network's id has, as Docker looks networks up.
   *
   * @throws io.grpc.StatusRuntimeException NOT_FOUND when none matches, INVALID_ARGUMENT when the
   *     prefix starts several ids
   */
  public static NetworkInfo find(String nameOrId, Optional<NetworkInfo> byName, Collection<NetworkInfo> all) {
    if (byName.isPresent()) {
      return byName.get();
    }
    List<NetworkInfo> matches = all.stream().filter(n -> n.id().startsWith(nameOrId)).toList();
    if (matches.size() > 1) {
      throw Errors.invalidArgument("network %s is ambiguous (%d matches found based on ID prefix)", nameOrId,
          matches.size());
    }
    return matches.stream().findFirst().orElseThrow(() -> Errors.notFound("network %s not found", nameOrId));
  }

  /**
   * The filter fields of {@link #field}, where subnet and gateway hold those of every pool of both
   * families: {@code subnet==10.2.0.0/24} matches a network whose second {@code --subnet} it is.
   */
  public Filter.Fields fields() {
    return new Filter.Fields() {
      @Override
      public Optional<String> get(List<String> path) {
        return field(path);
      }

      @Override
      public List<String> values(List<String> path) {
        return switch (path.get(0)) {
          case "subnet" -> addresses(Ipv4Pool::subnet, Ipv6Pool::subnet);
          case "gateway" -> addresses(Ipv4Pool::gateway, Ipv6Pool::gateway);
          default -> get(path).stream().toList();
        };
      }
    };
  }

  private List<String> addresses(Function<Ipv4Pool, Object> of4, Function<Ipv6Pool, Object> of6) {
    return Stream.concat(pools().stream().map(of4), pools6().stream().map(of6)).map(Object::toString).toList();
  }

  /** The value of a filter field (name, id, driver, subnet, gateway, bridge, internal, labels.&lt;key&gt;). */
  public Optional<String> field(List<String> path) {
    return switch (path.get(0)) {
      case "name" -> Optional.of(name);
      case "id" -> Optional.of(id);
      case "driver" -> Optional.of(driver);
      case "subnet" -> Optional.of(subnet.toString());
      case "gateway" -> Optional.of(gateway.toString());
      case "bridge" -> Optional.of(bridge);
      case "internal" -> Optional.of(Boolean.toString(internal));
      case "labels" -> path.size() < 2 ? Optional.empty() : Optional.ofNullable(labels.get(path.get(1)));
      default -> Optional.empty();
    };
  }
}
