package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What each command's {@code --format} template runs over in Docker's CLI, by its Go type: Go's
 * error for a field the row lacks names it ({@code can't evaluate field Foo in type
 * *formatter.ContainerContext}), so berthctl's words match Docker's.
 */
public enum TemplateContext {
  CONTAINERS("*formatter.ContainerContext"),
  IMAGES("*formatter.imageContext"),
  HISTORY("*image.historyContext"),
  STATS("*container.statsContext"),
  NETWORKS("*network.networkContext"),
  VOLUMES("*formatter.volumeContext"),
  /** {@code system df}: its first row, the images', is the one a template naming no field fails on. */
  DISK_USAGE("*formatter.diskUsageImagesContext"),
  /** {@code system df -v}: the template runs once, over the lists of images, containers, volumes and build cache. */
  DISK_USAGE_VERBOSE("*formatter.diskUsageContext", Map.of("Images[]", "*formatter.imageContext",
      "Containers[]", "*formatter.ContainerContext", "Volumes[]", "*formatter.volumeContext",
      "BuildCache[]", "*formatter.buildCacheContext")),
  /** {@code events}: Docker tries the template on an empty message before it waits for any. */
  EVENTS("*events.Message", Map.of("Actor", "events.Actor")),
  INFO("system.dockerInfo", Map.ofEntries(Map.entry("Plugins", "system.PluginsInfo"),
      Map.entry("RegistryConfig", "*registry.ServiceConfig"), Map.entry("RegistryConfig.IndexConfigs.*", "*registry.IndexInfo"),
      Map.entry("GenericResources[]", "swarm.GenericResource"), Map.entry("Runtimes.*", "system.RuntimeWithStatus"),
      Map.entry("Swarm", "swarm.Info"), Map.entry("Swarm.RemoteManagers[]", "swarm.Peer"),
      Map.entry("Swarm.Cluster", "*swarm.ClusterInfo"), Map.entry("ContainerdCommit", "system.Commit"),
      Map.entry("RuncCommit", "system.Commit"), Map.entry("InitCommit", "system.Commit"),
      Map.entry("DefaultAddressPools[]", "system.NetworkAddressPool"), Map.entry("Containerd", "*system.ContainerdInfo"),
      Map.entry("Containerd.Namespaces", "system.ContainerdNamespaces"), Map.entry("ClientInfo", "*system.clientInfo"),
      Map.entry("ClientInfo.Platform", "*system.platformInfo"), Map.entry("ClientInfo.Plugins[]", "pluginmanager.Plugin"))),
  /**
   * What {@code inspect} decodes a container into ({@code types.ContainerJSON}), and an image, a
   * network and a volume: the structs {@link GoStructLayouts} lays out as Go prints them.
   */
  CONTAINER_INSPECT("types.ContainerJSON", Map.of("State", "*types.ContainerState", "Config", "*container.Config",
      "HostConfig", "*container.HostConfig", "HostConfig.LogConfig", "container.LogConfig",
      "HostConfig.RestartPolicy", "container.RestartPolicy", "NetworkSettings", "*types.NetworkSettings",
      "Mounts[]", "types.MountPoint", "GraphDriver", "types.GraphDriverData")),
  IMAGE_INSPECT("types.ImageInspect", Map.of("Config", "*container.Config", "ContainerConfig", "*container.Config",
      "GraphDriver", "types.GraphDriverData", "RootFS", "types.RootFS")),
  NETWORK_INSPECT("network.Inspect", Map.of("IPAM", "network.IPAM", "IPAM.Config[]", "network.IPAMConfig",
      "Containers.*", "network.EndpointResource", "ConfigFrom", "network.ConfigReference")),
  VOLUME_INSPECT("volume.Volume"),
  VERSION("system.versionInfo", Map.of("Client", "system.clientVersion", "Client.Platform", "*system.platformInfo",
      "Server", "*types.Version", "Server.Platform", "struct { Name string }",
      "Server.Components[]", "types.ComponentVersion"));

  private final String goType;
  private final Map<String, String> nestedTypes;

  TemplateContext(String goType) {
    this(goType, Map.of());
  }

  /**
   * {@code nestedTypes}: the Go types of the structs within, by their path of field names from the
   * top ({@code Swarm.Cluster}; {@code []} an element of a slice, {@code .*} a value of a map), so
   * that Go's error for a field one lacks names its type too. The other contexts' fields are
   * methods giving strings.
   */
  TemplateContext(String goType, Map<String, String> nestedTypes) {
    this.goType = goType;
    this.nestedTypes = nestedTypes;
  }

  /**
   * The inspect context of {@code inspected}, told by what only its kind has (a container's
   * {@code State} and {@code HostConfig}, an image's {@code RootFS}, a network's {@code IPAM}, a
   * volume's {@code Mountpoint}), since {@code inspect} may list several kinds; null for none.
   */
  static TemplateContext inspected(JsonNode inspected) {
    if (inspected.has("State") && inspected.has("HostConfig")) {
      return CONTAINER_INSPECT;
    }
    if (inspected.has("RootFS")) {
      return IMAGE_INSPECT;
    }
    if (inspected.has("IPAM")) {
      return NETWORK_INSPECT;
    }
    return inspected.has("Mountpoint") ? VOLUME_INSPECT : null;
  }

  /** The Go type, as Go's template errors print it. */
  String goType() {
    return goType;
  }

  /** The Go type of the struct at {@code path} (see the constructor), null for none known. */
  String nestedType(String path) {
    return nestedTypes.get(path);
  }
}
