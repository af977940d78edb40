package dev.berth.ctl.network;

import berth.network.v1.AddressPool;
import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.CniResult;
import berth.network.v1.DeleteNetworkRequest;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.ListNetworksRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import dev.berth.client.containers.NetworkConnections;
import dev.berth.client.system.PruneFilter;
import dev.berth.client.system.Pruner;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.container.ContainerArgument;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.KeyedFilters;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import dev.berth.ctl.system.PruneFilters;
import dev.berth.ctl.system.PruneOutput;
import dev.berth.ctl.terminal.Confirmation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl network}: bridge networks and the containers connected to them. */
@Command(name = "network",
    description = "Manage networks (host-wide) and connect containers (of the namespace) to them.",
    subcommands = NetworkCreateCommand.class,
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl network create web --subnet 10.89.0.0/24", "  berthctl network ls",
        "  berthctl network connect web 3f9a2c", "  berthctl network inspect web", "  berthctl network rm web"})
public final class NetworkCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  BerthCtl root() {
    return root;
  }

  @Command(name = "ls", aliases = "list", description = "List networks.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl network ls", "  berthctl network ls -q", "  berthctl network ls --format json",
          "  berthctl network ls --format '{{.Name}} {{.Subnet}}'", "  berthctl network ls internal==true",
          "  berthctl network ls labels.team==web", "  berthctl network ls --filter type=custom",
          "  berthctl network ls -f dangling=true"})
  int list(@Option(names = {"-q", "--quiet"}, description = "print ids only") boolean quiet,
      @Option(names = "--no-trunc", description = "print whole ids") boolean noTrunc,
      @Option(names = {"-f", "--filter"}, converter = PflagTypes.Filter.class, preprocessor = PflagTypes.Filter.class,
          paramLabel = "FILTER", description = "docker's name=REGEX (found in the name: "
          + "^web$ for that name alone), id=PART (of the id), label=KEY[=VALUE], driver=bridge, type=builtin|custom, "
          + "scope=local|swarm|global or dangling=true|false (no container attached; never the default bridge) "
          + "(repeatable: values of one key may any match, except label=, which must all; "
          + "all keys must)") List<String> dockerFilters,
      @Mixin TemplateFormatOption format,
      @Parameters(paramLabel = "FILTER", arity = "0..*",
          description = "containerd filter on name, driver, subnet, gateway (any of the network's), bridge, internal, "
          + "labels.<key>")
      List<String> filters) {
    List<String> given = dockerFilters == null ? List.of() : dockerFilters;
    List<Network> networks;
    try (Connection c = root.connect()) {
      KeyedFilters<Network> filter = NetworkFilter.parse(given, () -> attachedNetworks(c));
      networks = new ArrayList<>(NetworksGrpc.newBlockingStub(c.channel())
          .list(ListNetworksRequest.newBuilder().addAllFilters(filters == null ? List.of() : filters).build())
          .getNetworksList());
      networks.removeIf(filter.negate());
    }
    networks.sort(Comparator.comparing(Network::getName));
    if (quiet) {
      Output.lines(root.out(), networks.stream().map(n -> id(n, noTrunc)).toList());
    } else if (format.json() || format.templated()) {
      format.printRows(root.out(), TemplateContext.NETWORKS, LIST_HEADERS, networks.stream().map(n -> templateRow(n, noTrunc)).toList());
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (Network n : networks) {
        rows.add(List.of(id(n, noTrunc), n.getName(), n.getDriver(), "local"));
      }
      Output.table(root.out(), List.of("NETWORK ID", "NAME", "DRIVER", "SCOPE"), rows);
    }
    return 0;
  }

  /** The networks the namespace's containers are attached to, as {@code inspect} lists them. */
  private static Set<String> attachedNetworks(Connection c) {
    return AttachmentsGrpc.newBlockingStub(c.channel()).list(ListAttachmentsRequest.getDefaultInstance())
        .getAttachmentsList().stream().map(Attachment::getNetwork).collect(Collectors.toSet());
  }

  /** Docker's column titles of the fields a template names, and Berth's bridge fields. */
  private static final Map<String, String> LIST_HEADERS = Map.ofEntries(Map.entry("ID", "NETWORK ID"),
      Map.entry("Name", "NAME"), Map.entry("Driver", "DRIVER"), Map.entry("Scope", "SCOPE"), Map.entry("IPv4", "IPV4"),
      Map.entry("IPv6", "IPV6"), Map.entry("Internal", "INTERNAL"), Map.entry("Labels", "LABELS"),
      Map.entry("Subnet", "SUBNET"), Map.entry("Gateway", "GATEWAY"), Map.entry("Bridge", "BRIDGE"),
      Map.entry("CreatedAt", "CREATED AT"));

  /** Docker's short id (12 digits) unless whole ones are asked for. */
  private static String id(Network n, boolean whole) {
    return whole ? n.getId() : n.getId().substring(0, Math.min(12, n.getId().length()));
  }

  /** A network as docker's {@code network ls --format} sees one, with Berth's bridge fields. */
  private static Map<String, Object> templateRow(Network n, boolean noTrunc) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("ID", id(n, noTrunc));
    row.put("Name", n.getName());
    row.put("Driver", n.getDriver());
    row.put("Scope", "local");
    row.put("IPv4", "true");
    row.put("IPv6", Boolean.toString(n.getEnableIpv6()));
    row.put("Internal", Boolean.toString(n.getInternal()));
    row.put("Labels", Output.labels(n.getLabelsMap()));
    row.put("CreatedAt", Durations.goString(ProtoTimes.toInstant(n.getCreatedAt())));
    // every IPv4 pool's (--subnet given several times), as IPAM.Config lists them
    List<AddressPool> pools4 = ipv4Pools(n);
    row.put("Subnet", pools4.stream().map(AddressPool::getSubnet).collect(Collectors.joining(",")));
    row.put("Gateway", pools4.stream().map(AddressPool::getGateway).collect(Collectors.joining(",")));
    row.put("Bridge", n.getBridge());
    return row;
  }

  @Command(name = "inspect",
      description = "Show networks as a JSON array, with the containers of the namespace attached to them.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl network inspect bridge", "  berthctl network inspect web backend",
          "  berthctl network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge"})
  int inspect(@Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE",
      description = "a Go template printed per network, like '{{.IPAM.Config}}', or json") String format,
      @Parameters(paramLabel = "NAME", arity = "1..*", description = "networks to show") List<String> names)
      throws InterruptedException {
    Template template = Inspections.template(format);
    List<Map<String, Object>> found = new ArrayList<>();
    try (Connection c = root.connect()) {
      NetworksGrpc.NetworksBlockingStub networks = NetworksGrpc.newBlockingStub(c.channel());
      AttachmentsGrpc.AttachmentsBlockingStub attachments = AttachmentsGrpc.newBlockingStub(c.channel());
      Map<String, String> containerNames = containerNames(c);
      return root.inspectEach(names, name -> {
        Network n = ErrorHandler.naming("network", name,
            () -> networks.get(GetNetworkRequest.newBuilder().setName(name).build())).getNetwork();
        found.add(inspection(n, attachments, containerNames));
      }, () -> Inspections.printObjects(root.out(), template, found));
    }
  }

  @Command(name = "rm", aliases = "remove",
      description = "Remove networks; none may have containers attached. Prints each name removed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl network rm web", "  berthctl network rm web backend", "  berthctl network rm -f web"})
  int remove(@Parameters(paramLabel = "NAME", arity = "1..*", description = "networks to remove") List<String> names,
      @Option(names = {"-f", "--force"}, description = "no error when a network does not exist") boolean force) {
    try (Connection c = root.connect()) {
      NetworksGrpc.NetworksBlockingStub networks = NetworksGrpc.newBlockingStub(c.channel());
      return root.each(names, name -> {
        try {
          networks.delete(DeleteNetworkRequest.newBuilder().setName(name).build());
        } catch (StatusRuntimeException e) {
          if (force && e.getStatus().getCode() == Status.Code.NOT_FOUND) {
            return;
          }
          throw ErrorHandler.removing("network", name, e);
        }
        root.out().println(name);
      });
    }
  }

  @Command(name = "connect",
      description = "Connect a container to a network: an interface (the next free ethN) in the container's "
          + "network namespace, now if it runs and at every later start. A stopped container without a "
          + "network takes this one as its first. --link CONTAINER[:ALIAS] (a user-defined network): the linked "
          + "container's address on it, under its name and the alias, in this container's /etc/hosts while it is "
          + "connected; the linked container must be running on the network.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl network connect web 3f9a2c", "  berthctl network connect web 3f9a2c --ip 10.89.0.7 --alias api",
          "  berthctl network connect --link db:database web 3f9a2c"})
  int connect(@Parameters(index = "0", paramLabel = "NETWORK", description = "the network") String network,
      @Parameters(index = "1", paramLabel = "CONTAINER", description = "name, id or id prefix") String container,
      @Option(names = "--ip", paramLabel = "IP", description = "address in the network's subnet (default: the next free one)")
      String ip,
      @Option(names = "--ip6", paramLabel = "IP",
          description = "IPv6 address in the network's IPv6 subnet (default: the next free one)")
      String ip6,
      @Option(names = "--link-local-ip", paramLabel = "IP",
          description = "another address of the container's interface on this network (repeatable)")
      List<String> linkLocalIps,
      @Option(names = "--alias", paramLabel = "NAME", description = "another name for the container on this network (repeatable)")
      List<String> aliases,
      @Option(names = "--link", paramLabel = "CONTAINER[:ALIAS]",
          description = "the linked container's address in this one's /etc/hosts (repeatable)")
      List<String> links) {
    try (Connection c = root.connect()) {
      Optional<Container> record = ContainerArgument.find(c.channel(), container);
      List<String> more = aliases == null ? List.of() : aliases;
      List<String> linked = links == null ? List.of() : links;
      List<String> linkLocal = linkLocalIps == null ? List.of() : linkLocalIps;
      if (record.isPresent()) {
        try {
          new NetworkConnections(c.channel()).connect(record.get(), network, ip, ip6, linkLocal, more, linked);
        } catch (StatusRuntimeException e) {
          throw refusedConnection(e);
        }
      } else if (!linked.isEmpty()) {
        // the linked container is found through the records too
        throw new CommandFailure("--link needs the container's record, and berthd has none for " + container);
      } else {
        // a berthd that serves no container records: the attachment alone
        try {
          AttachmentsGrpc.newBlockingStub(c.channel()).attach(AttachRequest.newBuilder()
              .setContainerId(container).setNetwork(network).setIp(ip == null ? "" : ip)
              .setIp6(ip6 == null ? "" : ip6).addAllLinkLocalIps(linkLocal).addAllAliases(more).build());
        } catch (StatusRuntimeException e) {
          throw refusedConnection(e);
        }
      }
    }
    return 0;
  }

  /**
   * A network that is not there, a connection that is there already, or not there to end, an
   * address outside the network or a connection that the container's network mode rules out: what Docker's daemon refuses, so printed after its
   * prefix as Docker's CLI prints it ({@code network nonet not found}).
   */
  private static RuntimeException refusedConnection(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.NOT_FOUND || code == Status.Code.ALREADY_EXISTS || code == Status.Code.FAILED_PRECONDITION
        || code == Status.Code.INVALID_ARGUMENT ? new DaemonError(e.getStatus().getDescription(), e) : e;
  }

  @Command(name = "disconnect", description = "Disconnect a container from a network, now and for later starts; "
      + "its next network, if any, becomes its first.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl network disconnect web 3f9a2c"})
  int disconnect(@Parameters(index = "0", paramLabel = "NETWORK", description = "the network") String network,
      @Parameters(index = "1", paramLabel = "CONTAINER", description = "name, id or id prefix") String container,
      @Option(names = {"-f", "--force"}, description = "also from a network that is not there any more, "
          + "which the container may still name") boolean force) {
    try (Connection c = root.connect()) {
      Optional<Container> record = ContainerArgument.find(c.channel(), container);
      if (record.isPresent()) {
        try {
          new NetworkConnections(c.channel()).disconnect(record.get(), network, force);
        } catch (StatusRuntimeException e) {
          throw refusedConnection(e);
        }
        return 0;
      }
      ErrorHandler.naming("network", network, () -> NetworksGrpc.newBlockingStub(c.channel())
          .get(GetNetworkRequest.newBuilder().setName(network).build()));
      AttachmentsGrpc.AttachmentsBlockingStub attachments = AttachmentsGrpc.newBlockingStub(c.channel());
      // Detach succeeds for what is not attached; a user who names a connection expects it to exist.
      attachments.get(GetAttachmentRequest.newBuilder().setContainerId(container).setNetwork(network).build());
      attachments.detach(DetachRequest.newBuilder().setContainerId(container).setNetwork(network).build());
    }
    return 0;
  }

  /** The network {@code nameOrId} names as {@code docker network inspect} shows it; NOT_FOUND if there is none. */
  public static Map<String, Object> inspection(Connection c, String nameOrId) {
    Network n = NetworksGrpc.newBlockingStub(c.channel()).get(GetNetworkRequest.newBuilder().setName(nameOrId).build())
        .getNetwork();
    return inspection(n, AttachmentsGrpc.newBlockingStub(c.channel()), containerNames(c));
  }

  private static Map<String, Object> inspection(Network n, AttachmentsGrpc.AttachmentsBlockingStub attachments,
      Map<String, String> names) {
    List<Attachment> attached = attachments.list(ListAttachmentsRequest.newBuilder()
        .addFilters("network==\"" + n.getName() + "\"").build()).getAttachmentsList();
    return inspection(n, attached, names);
  }

  /**
   * A network as {@code docker network inspect} shows one: Docker 27's fields in its order, then
   * Berth's bridge fields, {@code Subnet} and {@code Gateway} those of every IPv4 pool, joined by
   * commas, as {@code network ls --format} has them.
   */
  private static Map<String, Object> inspection(Network n, List<Attachment> attached, Map<String, String> names) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("Name", n.getName());
    json.put("Id", n.getId());
    json.put("Created", ProtoTimes.toInstant(n.getCreatedAt()).toString());
    json.put("Scope", "local");
    json.put("Driver", n.getDriver());
    json.put("EnableIPv6", n.getEnableIpv6());
    // where docker keeps the subnet, so that docker's templates ({{range .IPAM.Config}}) work; in
    // Docker's order, which {{json .IPAM}} prints
    Map<String, Object> ipam = new LinkedHashMap<>();
    ipam.put("Driver", "default");
    // sorted, as Go writes a map; Docker's daemon makes its default bridge with no IPAM options at
    // all (null), while its CLI's network create always sends a map, empty without --ipam-opt
    ipam.put("Options", n.getIsDefault() ? null : new TreeMap<>(n.getIpamOptionsMap()));
    ipam.put("Config", ipamConfigs(n));
    json.put("IPAM", ipam);
    json.put("Internal", n.getInternal());
    // Docker's swarm and config-only fields, which no Berth network has: there, so that templates
    // naming them ({{.Attachable}}) print what Docker's would for a local bridge
    json.put("Attachable", false);
    json.put("Ingress", false);
    json.put("ConfigFrom", Map.of("Network", ""));
    json.put("ConfigOnly", false);
    Map<String, Object> containers = new TreeMap<>();
    for (Attachment a : attached) {
      containers.put(a.getContainerId(), endpoint(names.getOrDefault(a.getContainerId(), a.getContainerId()), a));
    }
    json.put("Containers", containers);
    json.put("Options", options(n));
    json.put("Labels", new TreeMap<>(n.getLabelsMap()));
    List<AddressPool> pools4 = ipv4Pools(n);
    json.put("Subnet", pools4.stream().map(AddressPool::getSubnet).collect(Collectors.joining(",")));
    json.put("Gateway", pools4.stream().map(AddressPool::getGateway).collect(Collectors.joining(",")));
    json.put("Bridge", n.getBridge());
    json.put("IPMasquerade", n.getIpMasquerade());
    json.put("Default", n.getIsDefault());
    return json;
  }

  /** The names of the namespace's containers by id; none from a berthd that serves no container records. */
  private static Map<String, String> containerNames(Connection c) {
    Map<String, String> names = new HashMap<>();
    try {
      c.containers().list().forEach(r -> names.put(r.getId(), ContainerArgument.name(r)));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
    }
    return names;
  }

  /** The network's IPv4 pools, the first first. */
  private static List<AddressPool> ipv4Pools(Network n) {
    List<AddressPool> pools = new ArrayList<>();
    pools.add(AddressPool.newBuilder().setSubnet(n.getSubnet()).setIpRange(n.getIpRange()).setGateway(n.getGateway())
        .build());
    n.getMorePoolsList().stream().filter(p -> !p.getSubnet().contains(":")).forEach(pools::add);
    return pools;
  }

  /**
   * Docker's IPAM.Config: an entry per pool, the IPv4 ones then the IPv6 ones, as Docker's daemon
   * lists them, each the first of its family first.
   */
  private static List<Map<String, Object>> ipamConfigs(Network n) {
    List<AddressPool> pools = ipv4Pools(n);
    if (n.getEnableIpv6()) {
      pools.add(AddressPool.newBuilder().setSubnet(n.getIpv6Subnet()).setIpRange(n.getIpv6IpRange())
          .setGateway(n.getIpv6Gateway()).build());
      n.getMorePoolsList().stream().filter(p -> p.getSubnet().contains(":")).forEach(pools::add);
    }
    return pools.stream().map(p -> ipamConfig(p, n.getAuxAddressesMap())).toList();
  }

  /**
   * Docker's IPAM.Config entry: the subnet, the range addresses come from if there is one, its
   * gateway, and the auxiliary addresses in the subnet if there are some.
   */
  private static Map<String, Object> ipamConfig(AddressPool pool, Map<String, String> auxAddresses) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("Subnet", pool.getSubnet());
    if (!pool.getIpRange().isEmpty()) {
      config.put("IPRange", pool.getIpRange());
    }
    config.put("Gateway", pool.getGateway());
    Map<String, String> aux = new TreeMap<>();
    auxAddresses.forEach((name, address) -> {
      if (contains(pool.getSubnet(), address)) {
        aux.put(name, address);
      }
    });
    if (!aux.isEmpty()) {
      config.put("AuxiliaryAddresses", aux);
    }
    return config;
  }

  /** Whether the subnet, as berthd renders it, holds the address; an address of the other family it does not. */
  private static boolean contains(String subnet, String address) {
    if (subnet.contains(":") != address.contains(":")) {
      return false;
    }
    return subnet.contains(":") ? Subnet6.parseStored(subnet).contains(Ipv6.parse("address", address))
        : Subnet.parseStored(subnet).contains(Ipv4.parse("address", address));
  }

  /** The network's bridge settings under Docker's option names, as Docker shows its default bridge's. */
  private static Map<String, String> options(Network n) {
    Map<String, String> options = new TreeMap<>();
    if (n.getIsDefault()) {
      options.put("com.docker.network.bridge.default_bridge", "true");
    }
    options.put(BridgeOptions.ICC, Boolean.toString(!n.hasIcc() || n.getIcc()));
    options.put(BridgeOptions.MASQUERADE, Boolean.toString(n.getIpMasquerade()));
    options.put(BridgeOptions.BRIDGE_NAME, n.getBridge());
    options.put(BridgeOptions.MTU, Integer.toString(n.getMtu()));
    return options;
  }

  /**
   * The container side of an attachment in Docker's shape: its name, endpoint id (as the
   * container's inspect shows it), address (CIDR) and the MAC address of its interface.
   */
  private static Map<String, String> endpoint(String name, Attachment a) {
    CniResult result = a.getResult();
    Map<String, String> endpoint = new LinkedHashMap<>();
    endpoint.put("Name", name);
    endpoint.put("EndpointID", a.getEndpointId());
    endpoint.put("MacAddress", "");
    endpoint.put("IPv4Address", "");
    endpoint.put("IPv6Address", "");
    for (CniResult.IpConfig ip : result.getIpsList()) {
      if (ip.hasInterface() && ip.getInterface() < result.getInterfacesCount()) {
        endpoint.put(ip.getAddress().contains(":") ? "IPv6Address" : "IPv4Address", ip.getAddress());
        endpoint.put("MacAddress", result.getInterfaces(ip.getInterface()).getMac());
      }
    }
    return endpoint;
  }

  @Command(name = "prune",
      description = "Remove all networks no container is attached to (never the default bridge). Asks first unless -f. "
          + "Prints their names.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl network prune", "  berthctl network prune -f --filter label=team=web"})
  int prune(@Option(names = {"-f", "--force"}, description = "do not ask for confirmation") boolean force,
      @Option(names = "--filter", converter = PflagTypes.Filter.class,
          preprocessor = PflagTypes.Filter.class, paramLabel = "FILTER",
          description = "label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME (24h, RFC 3339, Unix seconds); repeatable")
      List<String> filters) {
    // as Docker's CLI, which leaves the filters to its daemon: a bad one is refused after the question
    if (!force && !Confirmation.ask("WARNING! This will remove all custom networks not used by at least one container.",
        root.out(), root.io().in())) {
      return 0;
    }
    PruneFilter filter = PruneFilters.parse(filters);
    try (Connection c = root.connect()) {
      PruneOutput.networks(root.out(), new Pruner(c.channel()).networks(filter));
    }
    return 0;
  }
}
