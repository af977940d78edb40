package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import dev.berth.client.InvalidParameterException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The CPUs this host has online, which docker checks {@code --cpus} and {@code --cpuset-cpus}
 * against before it makes anything (and its memory nodes, for {@code --cpuset-mems}): runc would
 * refuse a cpuset with the kernel's bare "numerical result out of range", and a quota above the
 * host's CPUs limits nothing.
 */
public final class HostCpus {
  private static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");
  private static final Path NODES_ONLINE = Path.of("/sys/devices/system/node/online");
  /** Far above any host's CPU numbers: a larger one is not online, whatever it says. */
  private static final int MAX_CPU = 1 << 16;

  private final BitSet online;

  private HostCpus(BitSet online) {
    this.online = online;
  }

  /** {@code --cpus} as {@link ResourceFlags#cpus} reads it, at most as many as this host has online. */
  public static ResourceFlags.CpuQuota cpus(String text) {
    ResourceFlags.CpuQuota quota = ResourceFlags.cpus(text);
    here().requireCpus(quota);
    return quota;
  }

  /** {@code --cpuset-cpus} as {@link ResourceFlags#cpuset} reads it, of CPUs this host has online. */
  public static String cpuset(String text) {
    String cpuset = ResourceFlags.cpuset(text);
    here().requireOnline(cpuset);
    return cpuset;
  }

  /** {@code --cpuset-mems} as {@link ResourceFlags#cpuset} reads it, of memory nodes this host has online. */
  public static String cpusetMems(String text) {
    String mems = ResourceFlags.cpuset(text);
    BitSet online;
    try {
      online = parse(Files.readString(NODES_ONLINE).strip());
    } catch (IOException e) {
      // a kernel without NUMA support has one node, 0
      online = parse("0");
    }
    BitSet missing = parse(mems);
    missing.andNot(online);
    if (!missing.isEmpty()) {
      throw new InvalidValueException("Requested memory nodes are not available - requested " + mems
          + ", available: " + format(online));
    }
    return mems;
  }

  /** This host's CPUs online now. */
  static HostCpus here() {
    try {
      return new HostCpus(parse(Files.readString(ONLINE).strip()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the host's CPUs from " + ONLINE, e);
    }
  }

  /** The CPUs of a list in the kernel's (and cpuset's) format, {@code 0-3,6}. */
  static HostCpus of(String list) {
    return new HostCpus(parse(list));
  }

  /** {@code --cpus}: at most as many CPUs as there are online, refused in Docker's daemon's words. */
  void requireCpus(ResourceFlags.CpuQuota quota) {
    int count = online.cardinality();
    BigDecimal most = BigDecimal.valueOf(quota.period()).multiply(BigDecimal.valueOf(count));
    if (BigDecimal.valueOf(quota.quota()).compareTo(most) > 0) {
      throw new InvalidParameterException(String.format("range of CPUs is from 0.01 to %d.00,"
          + " as there are only %d CPUs available", count, count));
    }
  }

  /** {@code --cpuset-cpus} (checked by {@link ResourceFlags#cpuset}): only CPUs that are online. */
  void requireOnline(String cpuset) {
    BitSet asked = parse(cpuset);
    BitSet missing = (BitSet) asked.clone();
    missing.andNot(online);
    if (!missing.isEmpty()) {
      throw InvalidValueException.of("cpuset", cpuset, "requested CPUs are not available, available: " + format(online));
    }
  }

  private static BitSet parse(String list) {
    BitSet cpus = new BitSet();
    if (list.isEmpty()) {
      return cpus;
    }
    for (String item : list.split(",")) {
      int dash = item.indexOf('-');
      long first = number(dash < 0 ? item : item.substring(0, dash));
      long last = dash < 0 ? first : number(item.substring(dash + 1));
      cpus.set((int) Math.min(first, MAX_CPU), (int) Math.min(last, MAX_CPU) + 1);
    }
    return cpus;
  }

  private static long number(String text) {
    return text.length() > 6 ? MAX_CPU : Long.parseLong(text);
  }

  private static String format(BitSet cpus) {
    StringBuilder text = new StringBuilder();
    for (int first = cpus.nextSetBit(0); first >= 0; ) {
      int end = cpus.nextClearBit(first);
      text.append(text.isEmpty() ? "" : ",").append(first).append(end - 1 > first ? "-" + (end - 1) : "");
      first = cpus.nextSetBit(end);
    }
    return text.toString();
  }
}
