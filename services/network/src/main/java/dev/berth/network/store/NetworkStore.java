package dev.berth.network.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.grpc.Errors;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.time.EpochNanos;
import dev.berth.network.AttachmentInfo;
import dev.berth.network.Dns;
import dev.berth.network.HostEntry;
import dev.berth.network.Mode;
import dev.berth.network.NetworkInfo;
import dev.berth.network.PortMapping;
import dev.berth.network.ipam.Ipv4;
import dev.berth.network.ipam.Subnet;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ATTACHMENT_COLUMNS = "namespace, container_id, network, mode, netns, netns_pinned, "
      + "interface, host_interface, host_mac, ip, subnet, gateway, default_route, mac, hostname, aliases, dns, "
      + "extra_hosts, files_dir, labels, created_at";
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
        "CREATE INDEX IF NOT EXISTS network_ports_owner ON network_ports (namespace, container_id, network)"));
  }

  public List<NetworkInfo> networks() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT * FROM network_networks ORDER BY created_at, name")) {
        return networks(s);
      }
    });
  }

  public Optional<NetworkInfo> network(String name) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT * FROM network_networks WHERE name = ?")) {
        s.setString(1, name);
        return networks(s).stream().findFirst();
      }
    });
  }

  public void insertNetwork(NetworkInfo n) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO network_networks (name, driver, subnet, gateway, "
          + "bridge, mtu, masquerade, internal, labels, created_at, is_default) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
        s.setString(1, n.name());
        s.setString(2, n.driver());
        s.setString(3, n.subnet().toString());
        s.setString(4, n.gateway().toString());
        s.setString(5, n.bridge());
        s.setInt(6, n.mtu());
        s.setInt(7, n.masquerade() ? 1 : 0);
        s.setInt(8, n.internal() ? 1 : 0);
        s.setString(9, Labels.toJson(n.labels()));
        s.setLong(10, EpochNanos.fromInstant(n.createdAt()));
        s.setInt(11, n.isDefault() ? 1 : 0);
        s.executeUpdate();
      }
      return null;
    });
  }

  public void deleteNetwork(String name) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM network_networks WHERE name = ?")) {
        s.setString(1, name);
        s.executeUpdate();
      }
      return null;
    });
  }

  /** The address handed out last on {@code network}, where the next search starts. */
  public Optional<Ipv4> lastAllocated(String network) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT last_ip FROM network_networks WHERE name = ?")) {
        s.setString(1, network);
        try (ResultSet r = s.executeQuery()) {
          return r.next() && r.getString(1) != null ? Optional.of(Ipv4.parse("stored address", r.getString(1)))
              : Optional.empty();
        }
      }
    });
  }

  public Set<Ipv4> leases(String network) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT ip FROM network_leases WHERE network = ?")) {
        s.setString(1, network);
        Set<Ipv4> leased = new HashSet<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            leased.add(Ipv4.parse("stored address", r.getString(1)));
          }
        }
        return leased;
      }
    });
  }

  /** Every lease, as "network ip" strings: for checks that nothing was left behind. */
  public List<String> allLeases() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT network, ip FROM network_leases ORDER BY network, ip");
           ResultSet r = s.executeQuery()) {
        List<String> leases = new ArrayList<>();
        while (r.next()) {
          leases.add(r.getString(1) + " " + r.getString(2));
        }
        return leases;
      }
    });
  }

  /** Every attachment in every namespace, oldest first. */
  public List<AttachmentInfo> attachments() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + ATTACHMENT_COLUMNS
          + " FROM network_attachments ORDER BY created_at, rowid");
           PreparedStatement ports = c.prepareStatement(PORT_COLUMNS + " ORDER BY rowid")) {
        return attachments(s, ports);
      }
    });
  }

  /** A container's attachments, oldest (the one that set up its namespace) first. */
  public List<AttachmentInfo> attachments(String namespace, String containerId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + ATTACHMENT_COLUMNS
          + " FROM network_attachments WHERE namespace = ? AND container_id = ? ORDER BY created_at, rowid");
           PreparedStatement ports = c.prepareStatement(PORT_COLUMNS
               + " WHERE namespace = ? AND container_id = ? ORDER BY rowid")) {
        for (PreparedStatement p : List.of(s, ports)) {
          p.setString(1, namespace);
          p.setString(2, containerId);
        }
        return attachments(s, ports);
      }
    });
  }

  /** The attachment, its lease and its ports, in one transaction. */
  public void insertAttachment(AttachmentInfo a) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO network_attachments (" + ATTACHMENT_COLUMNS
          + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        s.setString(1, a.namespace());
        s.setString(2, a.containerId());
        s.setString(3, a.network());
        s.setString(4, a.mode().name());
        s.setString(5, a.netns());
        s.setInt(6, a.netnsPinned() ? 1 : 0);
        s.setString(7, a.interfaceName());
        s.setString(8, a.hostInterface());
        s.setString(9, a.hostMac());
        s.setString(10, a.ip() == null ? null : a.ip().toString());
        s.setString(11, a.subnet() == null ? null : a.subnet().toString());
        s.setString(12, a.gateway() == null ? null : a.gateway().toString());
        s.setInt(13, a.defaultRoute() ? 1 : 0);
        s.setString(14, a.mac());
        s.setString(15, a.hostname());
        s.setString(16, json(a.aliases()));
        s.setString(17, json(a.dns()));
        s.setString(18, json(a.extraHosts()));
        s.setString(19, a.filesDirectory().toString());
        s.setString(20, Labels.toJson(a.labels()));
        s.setLong(21, EpochNanos.fromInstant(a.createdAt()));
        s.executeUpdate();
      }
      if (a.mode() == Mode.BRIDGE && a.hasAddress()) {
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO network_leases (network, ip, namespace, container_id) VALUES (?,?,?,?)")) {
          s.setString(1, a.network());
          s.setString(2, a.ip().toString());
          s.setString(3, a.namespace());
          s.setString(4, a.containerId());
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE network_networks SET last_ip = ? WHERE name = ?")) {
          s.setString(1, a.ip().toString());
          s.setString(2, a.network());
          s.executeUpdate();
        }
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO network_ports (protocol, host_ip, host_port, "
          + "container_port, namespace, container_id, network) VALUES (?,?,?,?,?,?,?)")) {
        for (PortMapping p : a.ports()) {
          s.setString(1, p.protocol().lowerCase());
          s.setString(2, p.hostIp().toString());
          s.setInt(3, p.hostPort());
          s.setInt(4, p.containerPort());
          s.setString(5, a.namespace());
          s.setString(6, a.containerId());
          s.setString(7, a.network());
          s.executeUpdate();
        }
      }
      return null;
    });
  }

  /** Removes the attachment with its lease and ports, in one transaction. */
  public void deleteAttachment(AttachmentInfo a) {
    db.write(c -> {
      for (String table : List.of("network_attachments", "network_ports")) {
        try (PreparedStatement s = c.prepareStatement(
            "DELETE FROM " + table + " WHERE namespace = ? AND container_id = ? AND network = ?")) {
          s.setString(1, a.namespace());
          s.setString(2, a.containerId());
          s.setString(3, a.network());
          s.executeUpdate();
        }
      }
      if (a.mode() == Mode.BRIDGE && a.hasAddress()) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM network_leases WHERE network = ? AND ip = ?")) {
          s.setString(1, a.network());
          s.setString(2, a.ip().toString());
          s.executeUpdate();
        }
      }
      return null;
    });
  }

  private static List<NetworkInfo> networks(PreparedStatement s) throws SQLException {
    List<NetworkInfo> networks = new ArrayList<>();
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        networks.add(new NetworkInfo(r.getString("name"), r.getString("driver"),
            Subnet.parse(r.getString("subnet")), Ipv4.parse("stored gateway", r.getString("gateway")),
            r.getString("bridge"), r.getInt("mtu"), r.getInt("masquerade") != 0, r.getInt("internal") != 0,
            Labels.fromJson(r.getString("labels")), EpochNanos.toInstant(r.getLong("created_at")), r.getInt("is_default") != 0));
      }
    }
    return networks;
  }

  /** The attachments {@code s} selects, with the ports {@code ports} selects (same filter). */
  private static List<AttachmentInfo> attachments(PreparedStatement s, PreparedStatement ports) throws SQLException {
    Map<String, List<PortMapping>> portsByOwner = new HashMap<>();
    try (ResultSet r = ports.executeQuery()) {
      while (r.next()) {
        portsByOwner.computeIfAbsent(owner(r.getString(5), r.getString(6), r.getString(7)), k -> new ArrayList<>())
            .add(new PortMapping(Ipv4.parse("stored host IP", r.getString(2)), r.getInt(3), r.getInt(4),
                PortMapping.Protocol.valueOf(r.getString(1).toUpperCase(Locale.ROOT))));
      }
    }
    List<AttachmentInfo> attachments = new ArrayList<>();
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        String ip = r.getString("ip");
        String subnet = r.getString("subnet");
        String gateway = r.getString("gateway");
        String owner = owner(r.getString("namespace"), r.getString("container_id"), r.getString("network"));
        attachments.add(new AttachmentInfo(r.getString("namespace"), r.getString("container_id"),
            r.getString("network"), Mode.valueOf(r.getString("mode")), r.getString("netns"),
            r.getInt("netns_pinned") != 0, r.getString("interface"), r.getString("host_interface"),
            r.getString("host_mac"),
            ip == null ? null : Ipv4.parse("stored address", ip),
            subnet == null ? null : Subnet.parse(subnet),
            gateway == null ? null : Ipv4.parse("stored gateway", gateway),
            r.getInt("default_route") != 0, r.getString("mac"), r.getString("hostname"),
            fromJson(r.getString("aliases"), new TypeReference<List<String>>() {}),
            List.copyOf(portsByOwner.getOrDefault(owner, List.of())),
            fromJson(r.getString("dns"), new TypeReference<Dns>() {}),
            fromJson(r.getString("extra_hosts"), new TypeReference<List<HostEntry>>() {}),
            Path.of(r.getString("files_dir")),
            Labels.fromJson(r.getString("labels")), EpochNanos.toInstant(r.getLong("created_at"))));
      }
    }
    return attachments;
  }

  private static String owner(String namespace, String containerId, String network) {
    return namespace + '\0' + containerId + '\0' + network;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw Errors.internal(e, "corrupt network attachment column: %s", e.getMessage());
    }
  }
}
