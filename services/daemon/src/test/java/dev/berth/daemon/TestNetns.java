package dev.berth.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A network namespace of the test's own, standing in for the host's, so that bridges, NAT rules
 * and published ports never touch the machine's real network.
 */
final class TestNetns implements AutoCloseable {
  private final String name;

  private TestNetns(String name) {
    this.name = name;
  }

  static TestNetns create(String prefix) throws Exception {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    Processes.Result r = Processes.run(List.of("ip", "netns", "add", name), null, 30);
    if (r.exit() != 0) {
      throw new IllegalStateException("ip netns add " + name + ": " + r.stderr());
    }
    Processes.run(List.of("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"), null, 30);
    return new TestNetns(name);
  }

  String name() {
    return name;
  }

  Path path() {
    return Path.of("/run/netns", name);
  }

  @Override
  public void close() throws Exception {
    Processes.run(List.of("ip", "netns", "del", name), null, 30);
  }
}
