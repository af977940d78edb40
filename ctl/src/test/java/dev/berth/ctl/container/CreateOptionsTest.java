package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.containers.ContainerOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CreateOptionsTest {
  private static CreateOptions parsed(String... args) {
    CreateOptions options = new CreateOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void dockersOlderFlagNamesAreTaken() {
    // hidden in Docker's help, still in scripts: --dns-opt for --dns-option, --net-alias for --network-alias
    ContainerOptions o = parsed("--net", "web", "--dns-opt", "ndots:2", "--net-alias", "db", "busybox").toOptions();
    assertEquals(List.of("ndots:2"), o.dnsOptions);
    assertEquals(List.of("db"), o.networkAliases);
    assertEquals("web", o.network);
  }

  @Test
  void aRepeatedNetworkKeepsEveryNetworkTheFirstFirst() {
    CreateOptions options = new CreateOptions();
    // as berthctl parses: a flag given again overwrites a single value
    new CommandLine(options).setOverwrittenOptionsAllowed(true).parseArgs("--network", "n6", "--net", "m6", "busybox");
    ContainerOptions o = options.toOptions();
    assertEquals("n6", o.network);
    assertEquals(List.of("m6"), o.moreNetworks);
    assertEquals("bridge", parsed("busybox").toOptions().network);
  }

  @Test
  void quietIsDockersRunAndCreateFlag() {
    assertTrue(parsed("-q", "busybox").quiet);
    assertTrue(parsed("--quiet", "busybox").quiet);
  }
}
