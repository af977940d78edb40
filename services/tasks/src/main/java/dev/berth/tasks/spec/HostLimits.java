package dev.berth.tasks.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this process may hand on to a container without CAP_SYS_RESOURCE: runc then fails
 * (with only "can't get final child's PID from pipe: EOF") on an oom_score_adj below ours or an
 * rlimit above our hard limit.
 */
public record HostLimits(boolean hasSysResource, int oomScoreAdj, Map<String, BigInteger> hardLimits) {
  private static final int CAP_SYS_RESOURCE = 24;

  /** /proc/self/limits rows by the spec's rlimit names. */
  private static final Map<String, String> LIMIT_ROWS = Map.ofEntries(
      Map.entry("Max cpu time", "RLIMIT_CPU"),
      Map.entry("Max file size", "RLIMIT_FSIZE"),
      Map.entry("Max data size", "RLIMIT_DATA"),
      Map.entry("Max stack size", "RLIMIT_STACK"),
      Map.entry("Max core file size", "RLIMIT_CORE"),
      Map.entry("Max resident set", "RLIMIT_RSS"),
      Map.entry("Max processes", "RLIMIT_NPROC"),
      Map.entry("Max open files", "RLIMIT_NOFILE"),
      Map.entry("Max locked memory", "RLIMIT_MEMLOCK"),
      Map.entry("Max address space", "RLIMIT_AS"),
      Map.entry("Max file locks", "RLIMIT_LOCKS"),
      Map.entry("Max pending signals", "RLIMIT_SIGPENDING"),
      Map.entry("Max msgqueue size", "RLIMIT_MSGQUEUE"),
      Map.entry("Max nice priority", "RLIMIT_NICE"),
      Map.entry("Max realtime priority", "RLIMIT_RTPRIO"),
      Map.entry("Max realtime timeout", "RLIMIT_RTTIME"));

  /** The largest value an rlimit can have (RLIM_INFINITY). */
  public static final BigInteger UNLIMITED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  public static HostLimits ofThisProcess() {
    try {
      return new HostLimits(
          hasCapability(Files.readAllLines(Path.of("/proc/self/status")), CAP_SYS_RESOURCE),
          Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).trim()),
          hardLimits(Files.readAllLines(Path.of("/proc/self/limits"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read this process's limits", e);
    }
  }

  static boolean hasCapability(List<String> status, int capability) {
    for (String line : status) {
      if (line.startsWith("CapEff:")) {
        return new BigInteger(line.substring("CapEff:".length()).trim(), 16).testBit(capability);
      }
    }
    return false;
  }

  static Map<String, BigInteger> hardLimits(List<String> limits) {
    Map<String, BigInteger> hard = new HashMap<>();
    for (String line : limits) {
      for (Map.Entry<String, String> row : LIMIT_ROWS.entrySet()) {
        if (line.startsWith(row.getKey() + " ")) {
          String[] columns = line.substring(row.getKey().length()).trim().split("\\s+");
          if (columns.length >= 2) {
            hard.put(row.getValue(), columns[1].equals("unlimited") ? UNLIMITED : new BigInteger(columns[1]));
          }
        }
      }
    }
    return hard;
  }
}
