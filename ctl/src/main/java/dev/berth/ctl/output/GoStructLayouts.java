package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of the structs Docker 27's CLI decodes an inspected object into, in their Go order
 * (moby v27.5.1's api/types), so that a template prints a struct as Go's fmt does, field by field
 * in that order, and a field the JSON leaves out ({@code omitempty}) as its zero value:
 * {@code {{.GraphDriver}}} is {@code {map[…] overlay2}} and a bind in {@code {{.Mounts}}}
 * {@code {bind  /src /dst  ro false rprivate}}, its empty Name and Driver in their places. An
 * embedded struct ({@code HostConfig}'s {@code Resources}) prints in braces of its own, as Go's.
 */
final class GoStructLayouts {
  /**
   * A field: its Go name, the JSON key it is written under and the zero it prints when left out;
   * or, {@code embedded} not null, an embedded struct of that type, whose fields JSON writes flat.
   */
  record Field(String name, String jsonKey, JsonNode zero, String embedded) {}

  private static final JsonNode NIL = NullNode.getInstance();

  /**
   * Each struct's fields, space-separated, as {@code Name[=jsonKey][:kind]}: kind {@code b} bool,
   * {@code i} a number, {@code p} a pointer, {@code s} a slice, {@code m} a map, none a string;
   * {@code ^Type} an embedded struct.
   */
  private static final Map<String, List<Field>> LAYOUTS = Map.ofEntries(
      layout("types.ContainerJSON", "^types.ContainerJSONBase Mounts:s Config:p NetworkSettings:p"),
      layout("types.ContainerJSONBase", "ID=Id Created Path Args:s State:p Image ResolvConfPath HostnamePath HostsPath"
          + " LogPath Node:p Name RestartCount:i Driver Platform MountLabel ProcessLabel AppArmorProfile ExecIDs:s"
          + " HostConfig:p GraphDriver:p SizeRw:p SizeRootFs:p"),
      layout("*types.ContainerState", "Status Running:b Paused:b Restarting:b OOMKilled:b Dead:b Pid:i ExitCode:i"
          + " Error StartedAt FinishedAt Health:p"),
      layout("*container.Config", "Hostname Domainname User AttachStdin:b AttachStdout:b AttachStderr:b"
          + " ExposedPorts:m Tty:b OpenStdin:b StdinOnce:b Env:s Cmd:s Healthcheck:p ArgsEscaped:b Image Volumes:m"
          + " WorkingDir Entrypoint:s NetworkDisabled:b MacAddress OnBuild:s Labels:m StopSignal StopTimeout:p"
          + " Shell:s"),
      layout("*container.HostConfig", "Binds:s ContainerIDFile LogConfig:p NetworkMode PortBindings:m"
          + " RestartPolicy:p AutoRemove:b VolumeDriver VolumesFrom:s ConsoleSize:s Annotations:m CapAdd:s CapDrop:s"
          + " CgroupnsMode DNS=Dns:s DNSOptions=DnsOptions:s DNSSearch=DnsSearch:s ExtraHosts:s GroupAdd:s IpcMode"
          + " Cgroup Links:s OomScoreAdj:i PidMode Privileged:b PublishAllPorts:b ReadonlyRootfs:b SecurityOpt:s"
          + " StorageOpt:m Tmpfs:m UTSMode UsernsMode ShmSize:i Sysctls:m Runtime Isolation ^container.Resources"
          + " Mounts:s MaskedPaths:s ReadonlyPaths:s Init:p"),
      layout("container.Resources", "CPUShares=CpuShares:i Memory:i NanoCPUs=NanoCpus:i CgroupParent"
          + " BlkioWeight:i BlkioWeightDevice:s BlkioDeviceReadBps:s BlkioDeviceWriteBps:s BlkioDeviceReadIOps:s"
          + " BlkioDeviceWriteIOps:s CPUPeriod=CpuPeriod:i CPUQuota=CpuQuota:i CPURealtimePeriod=CpuRealtimePeriod:i"
          + " CPURealtimeRuntime=CpuRealtimeRuntime:i CpusetCpus CpusetMems Devices:s DeviceCgroupRules:s"
          + " DeviceRequests:s KernelMemory:i KernelMemoryTCP:i MemoryReservation:i MemorySwap:i"
          + " MemorySwappiness:p OomKillDisable:p PidsLimit:p Ulimits:s CPUCount=CpuCount:i"
          + " CPUPercent=CpuPercent:i IOMaximumIOps:i IOMaximumBandwidth:i"),
      layout("container.LogConfig", "Type Config:m"),
      layout("container.RestartPolicy", "Name MaximumRetryCount:i"),
      layout("*types.NetworkSettings", "^types.NetworkSettingsBase ^types.DefaultNetworkSettings Networks:m"),
      layout("types.NetworkSettingsBase", "Bridge SandboxID SandboxKey Ports:m HairpinMode:b LinkLocalIPv6Address"
          + " LinkLocalIPv6PrefixLen:i SecondaryIPAddresses:s SecondaryIPv6Addresses:s"),
      layout("types.DefaultNetworkSettings", "EndpointID Gateway GlobalIPv6Address GlobalIPv6PrefixLen:i IPAddress"
          + " IPPrefixLen:i IPv6Gateway MacAddress"),
      layout("types.MountPoint", "Type Name Source Destination Driver Mode RW:b Propagation"),
      layout("types.GraphDriverData", "Data:m Name"),
      layout("types.ImageInspect", "ID=Id RepoTags:s RepoDigests:s Parent Comment Created Container"
          + " ContainerConfig:p DockerVersion Author Config:p Architecture Variant Os OsVersion Size:i VirtualSize:i"
          + " GraphDriver:p RootFS:p Metadata:p"),
      layout("types.RootFS", "Type Layers:s"),
      layout("network.Inspect", "Name ID=Id Created Scope Driver EnableIPv6:b IPAM:p Internal:b Attachable:b"
          + " Ingress:b ConfigFrom:p ConfigOnly:b Containers:m Options:m Labels:m Peers:s Services:m"),
      layout("network.IPAM", "Driver Options:m Config:s"),
      layout("network.IPAMConfig", "Subnet IPRange Gateway AuxAddress=AuxiliaryAddresses:m"),
      layout("network.EndpointResource", "Name EndpointID MacAddress IPv4Address IPv6Address"),
      layout("network.ConfigReference", "Network"),
      layout("volume.Volume", "ClusterVolume:p CreatedAt Driver Labels:m Mountpoint Name Options:m Scope Status:m"
          + " UsageData:p"));

  private GoStructLayouts() {}

  private static Map.Entry<String, List<Field>> layout(String type, String fields) {
    List<Field> layout = new ArrayList<>();
    for (String spec : fields.split(" ")) {
      if (spec.startsWith("^")) {
        layout.add(new Field(null, null, null, spec.substring(1)));
        continue;
      }
      String[] nameAndKind = spec.split(":");
      String[] names = nameAndKind[0].split("=");
      String kind = nameAndKind.length > 1 ? nameAndKind[1] : "";
      JsonNode zero = switch (kind) {
        case "b" -> BooleanNode.FALSE;
        case "i" -> IntNode.valueOf(0);
        case "p" -> NIL;
        case "s" -> NilCollection.SLICE;
        case "m" -> NilCollection.MAP;
        default -> TextNode.valueOf("");
      };
      layout.add(new Field(names[0], names.length > 1 ? names[1] : names[0], zero, null));
    }
    return Map.entry(type, List.copyOf(layout));
  }

  /** The fields of struct {@code type} in Go's order; empty for a type not described here (null included). */
  static Optional<List<Field>> of(String type) {
    return Optional.ofNullable(type == null ? null : LAYOUTS.get(type));
  }

  /**
   * Go field {@code name} of struct {@code type}, looked for in its embedded structs too, as Go's
   * templates reach them ({@code {{.ID}}} is the JSON's {@code Id}); empty when the struct has no
   * such field or is not described here.
   */
  static Optional<Field> field(String type, String name) {
    for (Field field : of(type).orElse(List.of())) {
      Optional<Field> found = field.embedded() != null ? field(field.embedded(), name)
          : Optional.of(field).filter(f -> f.name().equals(name));
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
