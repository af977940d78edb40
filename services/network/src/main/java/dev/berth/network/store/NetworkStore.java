package dev.berth.network.store;

import dev.berth.api.grpc.Errors;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.Dns;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.IpAddress;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.Ipv6Interface;
import dev.berth.api.network.Mode;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import dev.berth.common.store.JsonColumns;
import dev.berth.common.store.JsonColumns.MalformedColumnException;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import dev.berth.common.time.EpochNanos;
import dev.berth.network.dns.ExternalServer;
import dev.berth.network.files.ResolvConf;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Networks, attachments, address leases and published ports in the metadata store. Leases and
 * ports have tables of their own whose keys make double allocation impossible even if the
 * code above had a bug.
 */
public final class NetworkStore {
  private static final String ATTACHMENT_COLUMNS = "namespace, container_id, network, mode, netns, netns_pinned, "
      + "interface, host_interface, host_mac, ip, subnet, gateway, default_route, mac, hostname, aliases, dns, "
      + "extra_hosts, files_dir, labels, created_at, domainname, ip6, subnet6, gateway6, link_local_ips";
  private static final String PORT_COLUMNS =
      "SELECT protocol, host_ip, host_port, container_port, namespace, container_id, network FROM network_ports";

  private final MetadataStore db;

  public NetworkStore(MetadataStore db) {
    this.db = db;
    db.migrate("network", List.of(
        "CREATE TABLE IF NOT EXISTS network_networks (name TEXT PRIMARY KEY, driver TEXT NOT NULL, "
            + "subnet TEXT NOT NULL, gateway TEXT NOT NULL, bridge TEXT NOT NULL UNIQUE, mtu INTEGER NOT NULL, "
            + "masquerade INTEGER NOT NULL, internal INTEGER NOT NULL, labels TEXT NOT NULL, "
            + "created_at INTEGER NOT NULL, is_default INTEGER NOT NULL, last_ip TEXT)",
        "CREATE TABLE IF NOT EXISTS network_attachments (namespace TEXT NOT NULL, container_id TEXT NOT NULL, "
            + "network TEXT NOT NULL, mode TEXT NOT NULL, netns TEXT NOT NULL, netns_pinned INTEGER NOT NULL, "
            + "interface TEXT NOT NULL, host_interface TEXT NOT NULL, host_mac TEXT NOT NULL, ip TEXT, subnet TEXT, "
            + "gateway TEXT, default_route INTEGER NOT NULL, mac TEXT NOT NULL, hostname TEXT NOT NULL, "
            + "aliases TEXT NOT NULL, dns TEXT NOT NULL, extra_hosts TEXT NOT NULL, files_dir TEXT NOT NULL, "
            + "labels TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (namespace, container_id, network))",
        "CREATE TABLE IF NOT EXISTS network_leases (network TEXT NOT NULL, ip TEXT NOT NULL, "
            + "namespace TEXT NOT NULL, container_id TEXT NOT NULL, PRIMARY KEY (network, ip))",
        "CREATE TABLE IF NOT EXISTS network_ports (protocol TEXT NOT NULL, host_ip TEXT NOT NULL, "
            + "host_port INTEGER NOT NULL, container_port INTEGER NOT NULL, namespace TEXT NOT NULL, "
            + "container_id TEXT NOT NULL, network TEXT NOT NULL, PRIMARY KEY (protocol, host_ip, host_port))",
        "CREATE INDEX IF NOT EXISTS network_ports_owner ON network_ports (namespace, container_id, network)",
        // what a container's embedded resolver forwards to, kept here rather than read back from the
        // container's resolv.conf, which the container can write (Docker keeps it as sb.extDNS)
        "CREATE TABLE IF NOT EXISTS network_resolvers (namespace TEXT NOT NULL, container_id TEXT NOT NULL, "
            + "servers TEXT NOT NULL, ndots_set INTEGER NOT NULL, PRIMARY KEY (namespace, container_id))",
        // the ports a container asked to publish (as asked: an empty host IP is every family), which
        // each gateway it moves to publishes again, as Docker's daemon takes them from the container's
        // settings; network_ports holds what they are bound to now
        "CREATE TABLE IF NOT EXISTS network_requested_ports (namespace TEXT NOT NULL, container_id TEXT NOT NULL, "
            + "ports TEXT NOT NULL, PRIMARY KEY (namespace, container_id))"));
    // networks made before they had ids get one, as random as a new network's
    db.addColumn("network_networks", "id", "TEXT",
        List.of("UPDATE network_networks SET id = lower(hex(randomblob(32))) WHERE id IS NULL"));
    // networks made before address ranges and ICC were kept: the whole subnet, containers reaching each other
    db.addColumn("network_networks", "ip_range", "TEXT", List.of());
    db.addColumn("network_networks", "icc", "INTEGER NOT NULL DEFAULT 1", List.of());
    // attachments made before domain names were kept have none, as their containers were given
    db.addColumn("network_attachments", "domainname", "TEXT NOT NULL DEFAULT ''", List.of());
    // networks and attachments made before IPv6 was kept have none
    db.addColumn("network_networks", "subnet6", "TEXT", List.of());
    db.addColumn("network_networks", "gateway6", "TEXT", List.of());
    db.addColumn("network_networks", "last_ip6", "TEXT", List.of());
    db.addColumn("network_attachments", "ip6", "TEXT", List.of());
    db.addColumn("network_attachments", "subnet6", "TEXT", List.of());
    db.addColumn("network_attachments", "gateway6", "TEXT", List.of());
    // networks made before it was kept whether berthd chose their subnets count as given, so that
    // addresses asked for on them as before are still taken
    db.addColumn("network_networks", "subnet_chosen", "INTEGER NOT NULL DEFAULT 0", List.of());
    db.addColumn("network_networks", "subnet6_chosen", "INTEGER NOT NULL DEFAULT 0", List.of());
    // attachments made before link-local addresses were kept report none (their interfaces have them)
    db.addColumn("network_attachments", "link_local_ips", "TEXT NOT NULL DEFAULT '[]'", List.of());
    // networks made before IPv6 ranges were kept: the whole IPv6 subnet
    db.addColumn("network_networks", "ip_range6", "TEXT", List.of());
    // networks made before auxiliary addresses were kept have none
    db.addColumn("network_networks", "aux_addresses", "TEXT NOT NULL DEFAULT '{}'", List.of());
    // networks made before several subnets of a family were kept have one of each
    db.addColumn("network_networks", "more_pools", "TEXT NOT NULL DEFAULT '[]'", List.of());
    // networks made before IPAM options were kept have none
    db.addColumn("network_networks", "ipam_options", "TEXT NOT NULL DEFAULT '{}'", List.of());
  }

  public List<NetworkInfo> networks() {
    return db.read(c -> Sql.query(c, "SELECT * FROM network_networks ORDER BY created_at, name",
        NetworkStore::network));
  }

  public Optional<NetworkInfo> network(String name) {
    return db.read(c -> Sql.queryOne(c, "SELECT * FROM network_networks WHERE name = ?", NetworkStore::network, name));
  }

  public void insertNetwork(NetworkInfo n) {
    db.write(c -> Sql.update(c, "INSERT INTO network_networks (name, driver, subnet, gateway, "
        + "bridge, mtu, masquerade, internal, labels, created_at, is_default, id, ip_range, icc, subnet6, gateway6, "
        + "subnet_chosen, subnet6_chosen, ip_range6, aux_addresses, more_pools, ipam_options) "
        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        n.name(), n.driver(), n.subnet().toString(), n.gateway().toString(), n.bridge(), n.mtu(),
        n.masquerade() ? 1 : 0, n.internal() ? 1 : 0, Labels.toJson(n.labels()), EpochNanos.fromInstant(n.createdAt()),
        n.isDefault() ? 1 : 0, n.id(), n.ipRange() == null ? null : n.ipRange().toString(), n.icc() ? 1 : 0,
        n.ipv6() ? n.subnet6().toString() : null, n.ipv6() ? n.gateway6().toString() : null,
        n.subnetChosen() ? 1 : 0, n.subnet6Chosen() ? 1 : 0, n.ipRange6() == null ? null : n.ipRange6().toString(),
        Labels.toJson(n.auxAddresses()), morePoolsJson(n), Labels.toJson(n.ipamOptions())));
  }

  /** The pools after the first of each family, IPv4 ones first, each as {subnet, gateway, ip_range}. */
  private static String morePoolsJson(NetworkInfo n) {
    List<Map<String, String>> pools = new ArrayList<>();
    for (Ipv4Pool p : n.morePools()) {
      pools.add(poolJson(p.subnet().toString(), p.gateway().toString(), p.ipRange()));
    }
    for (Ipv6Pool p : n.morePools6()) {
      pools.add(poolJson(p.subnet().toString(), p.gateway().toString(), p.ipRange()));
    }
    return JsonColumns.writeMapList(pools);
  }

  private static Map<String, String> poolJson(String subnet, String gateway, Object ipRange) {
    Map<String, String> pool = new LinkedHashMap<>();
    pool.put("subnet", subnet);
    pool.put("gateway", gateway);
    pool.put("ip_range", ipRange == null ? "" : ipRange.toString());
    return pool;
  }

  public void deleteNetwork(String name) {
    db.write(c -> Sql.update(c, "DELETE FROM network_networks WHERE name = ?", name));
  }

  /** The address handed out last on {@code network}, where the next search starts. */
  public Optional<Ipv4> lastAllocated(String network) {
    return db.read(c -> Sql.queryOne(c, "SELECT last_ip FROM network_networks WHERE name = ?",
        r -> Optional.ofNullable(r.getString(1)), network))
        .flatMap(ip -> ip).map(ip -> Ipv4.parse("stored address", ip));
  }

  /** The IPv6 address handed out last on {@code network}, where the next search starts. */
  public Optional<Ipv6> lastAllocated6(String network) {
    return db.read(c -> Sql.queryOne(c, "SELECT last_ip6 FROM network_networks WHERE name = ?",
        r -> Optional.ofNullable(r.getString(1)), network))
        .flatMap(ip -> ip).map(ip -> Ipv6.parse("stored address", ip));
  }

  /** The IPv4 addresses leased on {@code network}. */
  public Set<Ipv4> leases(String network) {
    return new HashSet<>(db.read(c -> Sql.query(c, "SELECT ip FROM network_leases WHERE network = ? "
        + "AND instr(ip, ':') = 0", r -> Ipv4.parse("stored address", r.getString(1)), network)));
  }

  /** The IPv6 addresses leased on {@code network}; they share the leases table, whose key keeps them unique. */
  public Set<Ipv6> leases6(String network) {
    return new HashSet<>(db.read(c -> Sql.query(c, "SELECT ip FROM network_leases WHERE network = ? "
        + "AND instr(ip, ':') > 0", r -> Ipv6.parse("stored address", r.getString(1)), network)));
  }

  /** Every lease, as "network ip" strings: for checks that nothing was left behind. */
  public List<String> allLeases() {
    return db.read(c -> Sql.query(c, "SELECT network, ip FROM network_leases ORDER BY network, ip",
        r -> r.getString(1) + " " + r.getString(2)));
  }

  /** Every attachment in every namespace, oldest first. */
  public List<AttachmentInfo> attachments() {
    return db.read(c -> attachments(c, "ORDER BY created_at, rowid", "ORDER BY rowid"));
  }

  /** A container's attachments, oldest (the one that set up its namespace) first. */
  public List<AttachmentInfo> attachments(String namespace, String containerId) {
    return db.read(c -> attachments(c, "WHERE namespace = ? AND container_id = ? ORDER BY created_at, rowid",
        "WHERE namespace = ? AND container_id = ? ORDER BY rowid", namespace, containerId));
  }

  /** The attachment, its lease and its ports, in one transaction. */
  public void insertAttachment(AttachmentInfo a) {
    insertAttachment(a, null);
  }

  /**
   * The attachment, its lease, its ports and, unless null, what the container's embedded resolver
   * forwards to, in one transaction.
   */
  public void insertAttachment(AttachmentInfo a, ResolvConf.Internal resolver) {
    insertAttachment(a, resolver, null);
  }

  /**
   * As {@link #insertAttachment(AttachmentInfo, ResolvConf.Internal)}, and, unless null, the ports
   * the container asked to publish ({@link #requestedPorts}), in the same transaction.
   */
  public void insertAttachment(AttachmentInfo a, ResolvConf.Internal resolver, List<PortMapping> requested) {
    Ipv6Interface v6 = a.ipv6();
    db.write(c -> {
      if (requested != null) {
        keepRequestedPorts(c, a.namespace(), a.containerId(), requested);
      }
      if (resolver != null) {
        Sql.update(c, "INSERT OR REPLACE INTO network_resolvers (namespace, container_id, servers, ndots_set) "
            + "VALUES (?,?,?,?)", a.namespace(), a.containerId(),
            JsonColumns.writeList(resolver.servers().stream().map(ExternalServer::toString).toList()),
            resolver.ndotsSet() ? 1 : 0);
      }
      Sql.update(c, "INSERT INTO network_attachments (" + ATTACHMENT_COLUMNS
          + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          a.namespace(), a.containerId(), a.network(), a.mode().name(), a.netns(), a.netnsPinned() ? 1 : 0,
          a.interfaceName(), a.hostInterface(), a.hostMac(), a.ip() == null ? null : a.ip().toString(),
          a.subnet() == null ? null : a.subnet().toString(), a.gateway() == null ? null : a.gateway().toString(),
          a.defaultRoute() ? 1 : 0, a.mac(), a.hostname(), JsonColumns.writeList(a.aliases()), dnsJson(a.dns()),
          hostsJson(a.extraHosts()),
          a.filesDirectory().toString(), Labels.toJson(a.labels()), EpochNanos.fromInstant(a.createdAt()),
          a.domainname(), v6 == null ? null : v6.ip().toString(), v6 == null ? null : v6.subnet().toString(),
          v6 == null ? null : v6.gateway().toString(),
          JsonColumns.writeList(a.linkLocalIps().stream().map(Object::toString).toList()));
      if (a.mode() == Mode.BRIDGE && a.hasAddress()) {
        Sql.update(c, "INSERT INTO network_leases (network, ip, namespace, container_id) VALUES (?,?,?,?)",
            a.network(), a.ip().toString(), a.namespace(), a.containerId());
        Sql.update(c, "UPDATE network_networks SET last_ip = ? WHERE name = ?", a.ip().toString(), a.network());
      }
      if (a.mode() == Mode.BRIDGE && v6 != null) {
        Sql.update(c, "INSERT INTO network_leases (network, ip, namespace, container_id) VALUES (?,?,?,?)",
            a.network(), v6.ip().toString(), a.namespace(), a.containerId());
        Sql.update(c, "UPDATE network_networks SET last_ip6 = ? WHERE name = ?", v6.ip().toString(), a.network());
      }
      insertPorts(c, a);
      return null;
    });
  }

  /**
   * Makes {@code gateway} the container's gateway attachment, in one transaction: it alone of the
   * container's has the default route, and it and {@code previous} (the gateway before) publish
   * their ports as given; ports of the container's other attachments (an Attachments API client's
   * own) stay.
   */
  public void updateGateway(AttachmentInfo gateway, Optional<AttachmentInfo> previous) {
    db.write(c -> {
      Sql.update(c, "UPDATE network_attachments SET default_route = CASE WHEN network = ? THEN 1 ELSE 0 END "
          + "WHERE namespace = ? AND container_id = ?", gateway.network(), gateway.namespace(), gateway.containerId());
      List<AttachmentInfo> changed = new ArrayList<>(List.of(gateway));
      previous.ifPresent(changed::add);
      // all first: a mapping both bind moves from one to the other
      for (AttachmentInfo a : changed) {
        Sql.update(c, "DELETE FROM network_ports WHERE namespace = ? AND container_id = ? AND network = ?",
            a.namespace(), a.containerId(), a.network());
      }
      for (AttachmentInfo a : changed) {
        insertPorts(c, a);
      }
      return null;
    });
  }

  private static void insertPorts(Connection c, AttachmentInfo a) throws SQLException {
    for (PortMapping p : a.ports()) {
      Sql.update(c, "INSERT INTO network_ports (protocol, host_ip, host_port, "
          + "container_port, namespace, container_id, network) VALUES (?,?,?,?,?,?,?)",
          p.protocol().lowerCase(), p.hostIp().toString(), p.hostPort(), p.containerPort(), a.namespace(),
          a.containerId(), a.network());
    }
  }

  /** The ports the container asked to publish, as asked (a null host IP: every family); empty if none were kept. */
  public Optional<List<PortMapping>> requestedPorts(String namespace, String containerId) {
    return db.read(c -> Sql.queryOne(c, "SELECT ports FROM network_requested_ports WHERE namespace = ? "
        + "AND container_id = ?", r -> {
          List<PortMapping> ports = new ArrayList<>();
          try {
            for (String p : JsonColumns.readList(r.getString(1))) {
              String[] f = p.split(" ");
              ports.add(new PortMapping(f[1].equals("*") ? null : IpAddress.parse("stored host IP", f[1]),
                  Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                  PortMapping.Protocol.valueOf(f[0].toUpperCase(Locale.ROOT))));
            }
          } catch (MalformedColumnException | RuntimeException e) {
            throw Errors.internal(e, "the stored requested ports of %s/%s: %s", namespace, containerId, e.getMessage());
          }
          return List.copyOf(ports);
        }, namespace, containerId));
  }

  /** Keeps {@code requested} as the ports the container asked to publish, replacing any kept before. */
  public void keepRequestedPorts(String namespace, String containerId, List<PortMapping> requested) {
    db.write(c -> {
      keepRequestedPorts(c, namespace, containerId, requested);
      return null;
    });
  }

  private static void keepRequestedPorts(Connection c, String namespace, String containerId,
      List<PortMapping> requested) throws SQLException {
    Sql.update(c, "INSERT OR REPLACE INTO network_requested_ports (namespace, container_id, ports) VALUES (?,?,?)",
        namespace, containerId, JsonColumns.writeList(requested.stream()
            .map(p -> p.protocol().lowerCase() + " " + (p.hostIp() == null ? "*" : p.hostIp().toString()) + " "
                + p.hostPort() + " " + p.containerPort())
            .toList()));
  }

  /** Replaces the stored aliases of the attachment with {@code a}'s. */
  public void updateAliases(AttachmentInfo a) {
    db.write(c -> Sql.update(c, "UPDATE network_attachments SET aliases = ? WHERE namespace = ? AND container_id = ? "
        + "AND network = ?", JsonColumns.writeList(a.aliases()), a.namespace(), a.containerId(), a.network()));
  }

  /** What the container's embedded resolver forwards to, as {@link #insertAttachment(AttachmentInfo, ResolvConf.Internal)} kept it. */
  public Optional<ResolvConf.Internal> resolver(String namespace, String containerId) {
    return db.read(c -> Sql.queryOne(c, "SELECT servers, ndots_set FROM network_resolvers "
        + "WHERE namespace = ? AND container_id = ?", r -> {
          try {
            return new ResolvConf.Internal(JsonColumns.readList(r.getString("servers")).stream()
                .map(ExternalServer::parse).toList(), r.getInt("ndots_set") != 0);
          } catch (MalformedColumnException e) {
            throw Errors.internal(e, "the stored DNS servers of %s/%s: %s", namespace, containerId, e.getMessage());
          }
        }, namespace, containerId));
  }

  /**
   * Removes the attachment with its lease and ports, and with the container's last one its resolver's servers and
   * the ports it asked for, in one transaction.
   */
  public void deleteAttachment(AttachmentInfo a) {
    db.write(c -> {
      for (String table : List.of("network_attachments", "network_ports")) {
        Sql.update(c, "DELETE FROM " + table + " WHERE namespace = ? AND container_id = ? AND network = ?",
            a.namespace(), a.containerId(), a.network());
      }
      if (a.mode() == Mode.BRIDGE && a.hasAddress()) {
        Sql.update(c, "DELETE FROM network_leases WHERE network = ? AND ip = ?", a.network(), a.ip().toString());
      }
      if (a.mode() == Mode.BRIDGE && a.ipv6() != null) {
        Sql.update(c, "DELETE FROM network_leases WHERE network = ? AND ip = ?", a.network(),
            a.ipv6().ip().toString());
      }
      for (String table : List.of("network_resolvers", "network_requested_ports")) {
        Sql.update(c, "DELETE FROM " + table + " WHERE namespace = ? AND container_id = ? AND NOT EXISTS "
            + "(SELECT 1 FROM network_attachments WHERE namespace = ? AND container_id = ?)",
            a.namespace(), a.containerId(), a.namespace(), a.containerId());
      }
      return null;
    });
  }

  private static NetworkInfo network(ResultSet r) throws SQLException {
    return new NetworkInfo(r.getString("name"), r.getString("driver"),
        Subnet.parse(r.getString("subnet")), Ipv4.parse("stored gateway", r.getString("gateway")),
        r.getString("bridge"), r.getInt("mtu"), r.getInt("masquerade") != 0, r.getInt("internal") != 0,
        Labels.fromJson(r.getString("labels")), EpochNanos.toInstant(r.getLong("created_at")),
        r.getInt("is_default") != 0, r.getString("id"),
        r.getString("ip_range") == null ? null : Subnet.parseStored(r.getString("ip_range")), r.getInt("icc") != 0,
        r.getString("subnet6") == null ? null : Subnet6.parseStored(r.getString("subnet6")),
        r.getString("gateway6") == null ? null : Ipv6.parse("stored gateway", r.getString("gateway6")),
        r.getInt("subnet_chosen") != 0, r.getInt("subnet6_chosen") != 0,
        r.getString("ip_range6") == null ? null : Subnet6.parseStored(r.getString("ip_range6")),
        Labels.fromJson(r.getString("aux_addresses")), morePools(r), morePools6(r),
        Labels.fromJson(r.getString("ipam_options")));
  }

  private static List<Ipv4Pool> morePools(ResultSet r) throws SQLException {
    return storedPools(r).stream().filter(p -> !p.get("subnet").contains(":"))
        .map(p -> new Ipv4Pool(Subnet.parseStored(p.get("subnet")), Ipv4.parse("stored gateway", p.get("gateway")),
            p.get("ip_range").isEmpty() ? null : Subnet.parseStored(p.get("ip_range"))))
        .toList();
  }

  private static List<Ipv6Pool> morePools6(ResultSet r) throws SQLException {
    return storedPools(r).stream().filter(p -> p.get("subnet").contains(":"))
        .map(p -> new Ipv6Pool(Subnet6.parseStored(p.get("subnet")), Ipv6.parse("stored gateway", p.get("gateway")),
            p.get("ip_range").isEmpty() ? null : Subnet6.parseStored(p.get("ip_range"))))
        .toList();
  }

  private static List<Map<String, String>> storedPools(ResultSet r) throws SQLException {
    try {
      return JsonColumns.readMapList(r.getString("more_pools"));
    } catch (MalformedColumnException e) {
      throw Errors.internal(e, "corrupt network column more_pools: %s", e.getMessage());
    }
  }

  /**
   * The attachments the clause {@code attachments} selects, with their ports, which {@code ports}
   * (the same filter on the ports table) selects; both take {@code args}.
   */
  private static List<AttachmentInfo> attachments(Connection c, String attachments, String ports, Object... args)
      throws SQLException {
    Map<String, List<PortMapping>> portsByOwner = new HashMap<>();
    for (Map.Entry<String, PortMapping> e : Sql.query(c, PORT_COLUMNS + " " + ports,
        r -> Map.entry(owner(r.getString(5), r.getString(6), r.getString(7)),
            new PortMapping(IpAddress.parse("stored host IP", r.getString(2)), r.getInt(3), r.getInt(4),
                PortMapping.Protocol.valueOf(r.getString(1).toUpperCase(Locale.ROOT)))), args)) {
      portsByOwner.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
    return Sql.query(c, "SELECT " + ATTACHMENT_COLUMNS + " FROM network_attachments " + attachments, r -> {
      List<String> aliases;
      Dns dns;
      List<HostEntry> extraHosts;
      List<String> linkLocalIps;
      try {
        aliases = JsonColumns.readList(r.getString("aliases"));
        linkLocalIps = JsonColumns.readList(r.getString("link_local_ips"));
        dns = dns(r.getString("dns"));
        extraHosts = hosts(r.getString("extra_hosts"));
      } catch (MalformedColumnException e) {
        throw Errors.internal(e, "corrupt network attachment column: %s", e.getMessage());
      }
      String ip = r.getString("ip");
      String subnet = r.getString("subnet");
      String gateway = r.getString("gateway");
      String owner = owner(r.getString("namespace"), r.getString("container_id"), r.getString("network"));
      return new AttachmentInfo(r.getString("namespace"), r.getString("container_id"),
          r.getString("network"), Mode.valueOf(r.getString("mode")), r.getString("netns"),
          r.getInt("netns_pinned") != 0, r.getString("interface"), r.getString("host_interface"),
          r.getString("host_mac"),
          ip == null ? null : Ipv4.parse("stored address", ip),
          subnet == null ? null : Subnet.parse(subnet),
          gateway == null ? null : Ipv4.parse("stored gateway", gateway),
          r.getInt("default_route") != 0, r.getString("mac"), r.getString("hostname"),
          r.getString("domainname"), aliases,
          List.copyOf(portsByOwner.getOrDefault(owner, List.of())),
          dns,
          extraHosts,
          Path.of(r.getString("files_dir")),
          Labels.fromJson(r.getString("labels")), EpochNanos.toInstant(r.getLong("created_at")),
          r.getString("ip6") == null ? null : new Ipv6Interface(Ipv6.parse("stored address", r.getString("ip6")),
              Subnet6.parseStored(r.getString("subnet6")), Ipv6.parse("stored gateway", r.getString("gateway6"))),
          linkLocalIps.stream().map(a -> IpAddress.parse("stored link-local address", a)).toList());
    }, args);
  }

  private static String owner(String namespace, String containerId, String network) {
    return namespace + '\0' + containerId + '\0' + network;
  }

  private static String dnsJson(Dns dns) {
    if (dns == null) {
      return "null";
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    fields.put("nameservers", dns.nameservers());
    fields.put("search", dns.search());
    fields.put("options", dns.options());
    return JsonColumns.writeListMap(fields);
  }

  private static Dns dns(String json) throws MalformedColumnException {
    if (json == null || json.equals("null")) {
      return null;
    }
    Map<String, List<String>> fields = JsonColumns.readListMap(json);
    return new Dns(fields.getOrDefault("nameservers", List.of()), fields.getOrDefault("search", List.of()),
        fields.getOrDefault("options", List.of()));
  }

  private static String hostsJson(List<HostEntry> hosts) {
    if (hosts == null) {
      return JsonColumns.writeMapList(null);
    }
    List<Map<String, String>> entries = new ArrayList<>();
    for (HostEntry h : hosts) {
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("name", h.name());
      entry.put("ip", h.ip());
      entries.add(entry);
    }
    return JsonColumns.writeMapList(entries);
  }

  private static List<HostEntry> hosts(String json) throws MalformedColumnException {
    List<HostEntry> hosts = new ArrayList<>();
    for (Map<String, String> entry : JsonColumns.readMapList(json)) {
      hosts.add(new HostEntry(entry.get("name"), entry.get("ip")));
    }
    return hosts;
  }
}
