package dev.berth.api.labels;

import dev.berth.api.InvalidValueException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network the container was connected to besides its first, as its
 * {@link ContainerLabels#CONNECTED_PREFIX} label records it: the key names the network, the value
 * is a {@link LabelLists list} of {@code ip=ADDRESS} and {@code ip6=ADDRESS} (at most one each; the
 * next free address of that family without it), {@code alias=NAME} and {@code host=NAME:IP} items, the last being
 * /etc/hosts entries of the container's own while it is on that network (Docker's {@code network
 * connect --link}). {@code linkLocalIps}, more addresses of the interface (Docker's
 * {@code --link-local-ip}), have a label of their own,
 * {@link ContainerLabels#CONNECTED_LINK_LOCAL_IPS_PREFIX}.
 * {@code ipamConfig}: whether an endpoint IPAM config was given, even an empty one, as Docker's
 * CLI gives one on every {@code network connect} but none for a {@code run --network} without an
 * address (inspect shows {@code {}} or {@code null}); an address given is one. An empty
 * {@code ip6=} item records it when no address does, an item the grammar already took, so that
 * an older berthctl still reads the label.
 */
public record ConnectedNetwork(String network, String ip, String ip6, List<String> linkLocalIps, List<String> aliases,
    List<HostEntrySpec> hosts, boolean ipamConfig) {
  private static final String IP = "ip=";
  private static final String IP6 = "ip6=";
  private static final String ALIAS = "alias=";
  private static final String HOST = "host=";

  /**
   * Refuses (InvalidValueException) what would not read back as given: an address that is not one
   * of its family, an alias or a hosts entry holding the label's separators, any of which could
   * otherwise slip items of its own (another address) into the label.
   */
  public ConnectedNetwork {
    ip = ip == null ? "" : ip;
    ip6 = ip6 == null ? "" : ip6;
    ipamConfig = ipamConfig || !ip.isEmpty() || !ip6.isEmpty() || !linkLocalIps.isEmpty();
    if (!ip.isEmpty() && !IpLiterals.isIpv4(ip)) {
      throw InvalidValueException.of("IPv4 address", ip, "not an IPv4 address");
    }
    if (!ip6.isEmpty() && !IpLiterals.isIpv6(ip6)) {
      throw InvalidValueException.of("IPv6 address", ip6, "not an IPv6 address");
    }
    for (String address : linkLocalIps) {
      if (!IpLiterals.isIp(address)) {
        throw InvalidValueException.of("link-local IP address", address, "not an IP address");
      }
    }
    linkLocalIps = List.copyOf(linkLocalIps);
    aliases.forEach(NetworkAliases::checked);
    for (HostEntrySpec host : hosts) {
      String item = host.labelValue();
      if (item.contains(",") || item.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
        throw InvalidValueException.of("host entry", item, "a name and an address without commas or blanks");
      }
    }
    aliases = List.copyOf(aliases);
    hosts = List.copyOf(hosts);
  }

  /** A connection without link-local addresses. */
  public ConnectedNetwork(String network, String ip, String ip6, List<String> aliases, List<HostEntrySpec> hosts,
      boolean ipamConfig) {
    this(network, ip, ip6, List.of(), aliases, hosts, ipamConfig);
  }

  public ConnectedNetwork(String network, String ip, List<String> aliases) {
    this(network, ip, "", List.of(), aliases, List.of(), false);
  }

  /**
   * The names peers on the network know the container by besides its id and hostname: its name
   * (none when empty), then its aliases here, as Docker resolves both.
   */
  public List<String> peerNames(String containerName) {
    List<String> names = new ArrayList<>();
    if (!containerName.isEmpty()) {
      names.add(containerName);
    }
    names.addAll(aliases);
    return names;
  }

  /** The label's key. */
  public String labelKey() {
    return ContainerLabels.CONNECTED_PREFIX + network;
  }

  /** The labels that record the connection: its own, and its link-local addresses' when it has some. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(labelKey(), labelValue());
    if (!linkLocalIps.isEmpty()) {
      labels.put(ContainerLabels.CONNECTED_LINK_LOCAL_IPS_PREFIX + network, LabelLists.join(linkLocalIps));
    }
    return labels;
  }

  /** The labels of a connection to {@code network}, each empty, which removes them from a record. */
  public static Map<String, String> removal(String network) {
    return Map.of(ContainerLabels.CONNECTED_PREFIX + network, "",
        ContainerLabels.CONNECTED_LINK_LOCAL_IPS_PREFIX + network, "");
  }

  /** The label's value; never empty, since an empty value would remove the label. */
  public String labelValue() {
    List<String> items = new ArrayList<>();
    items.add(IP + ip);
    if (!ip6.isEmpty() || ipamConfig && ip.isEmpty()) {
      // only when asked for, or to mark an IPAM config without addresses, so that a label written
      // before --ip6 existed reads the same
      items.add(IP6 + ip6);
    }
    aliases.forEach(a -> items.add(ALIAS + a));
    hosts.forEach(h -> items.add(HOST + h.labelValue()));
    return String.join(",", items);
  }

  /**
   * The networks {@code labels} connect the container to, ordered by name (the order of their
   * interfaces after the first).
   *
   * @throws InvalidValueException for a value with an item of neither form, naming the label
   */
  public static List<ConnectedNetwork> of(Map<String, String> labels) {
    List<ConnectedNetwork> connected = new ArrayList<>();
    labels.forEach((key, value) -> {
      if (key.startsWith(ContainerLabels.CONNECTED_PREFIX) && key.length() > ContainerLabels.CONNECTED_PREFIX.length()) {
        String network = key.substring(ContainerLabels.CONNECTED_PREFIX.length());
        connected.add(parse(network, value,
            LabelLists.split(labels.get(ContainerLabels.CONNECTED_LINK_LOCAL_IPS_PREFIX + network))));
      }
    });
    connected.sort(Comparator.comparing(ConnectedNetwork::network));
    return connected;
  }

  private static ConnectedNetwork parse(String network, String value, List<String> linkLocalIps) {
    String ip = "";
    String ip6 = "";
    boolean ip6Item = false;
    List<String> aliases = new ArrayList<>();
    List<HostEntrySpec> hosts = new ArrayList<>();
    for (String item : LabelLists.split(value)) {
      if (item.startsWith(IP)) {
        ip = item.substring(IP.length());
      } else if (item.startsWith(IP6)) {
        ip6 = item.substring(IP6.length());
        ip6Item = true;
      } else if (item.startsWith(ALIAS) && item.length() > ALIAS.length()) {
        aliases.add(item.substring(ALIAS.length()));
      } else if (item.startsWith(HOST)) {
        try {
          hosts.add(HostEntrySpec.parse(item.substring(HOST.length())));
        } catch (InvalidValueException e) {
          throw InvalidValueException.of("label " + ContainerLabels.CONNECTED_PREFIX + network, value, e.getMessage());
        }
      } else {
        throw InvalidValueException.of("label " + ContainerLabels.CONNECTED_PREFIX + network, value,
            "\"" + item + "\" is none of ip=ADDRESS, ip6=ADDRESS, alias=NAME and host=NAME:IP");
      }
    }
    return new ConnectedNetwork(network, ip, ip6, linkLocalIps, aliases, hosts, ip6Item);
  }
}
