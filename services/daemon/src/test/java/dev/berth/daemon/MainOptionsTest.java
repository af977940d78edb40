package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** berthd's options as the command line spells them. */
class MainOptionsTest {
  private static Main parse(String... args) {
    Main main = new Main();
    new CommandLine(main).parseArgs(args);
    return main;
  }

  @Test
  void criStreamingAddressDefaultsToAFreeLoopbackPortAndTakesHostPort() {
    assertEquals(DaemonConfig.DEFAULT_CRI_STREAMING, parse().criStreaming);
    assertEquals(0, DaemonConfig.DEFAULT_CRI_STREAMING.getPort());
    assertEquals(new InetSocketAddress("127.0.0.1", 10010),
        parse("--cri-streaming-address", "127.0.0.1:10010").criStreaming);
    assertEquals(new InetSocketAddress("::1", 0), parse("--cri-streaming-address", "[::1]:0").criStreaming);
    for (String bad : new String[] {"127.0.0.1", ":80", "127.0.0.1:70000", "localhost:http"}) {
      assertThrows(CommandLine.ParameterException.class, () -> parse("--cri-streaming-address", bad), bad);
    }
  }
}
