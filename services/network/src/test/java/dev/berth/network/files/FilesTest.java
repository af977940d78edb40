package dev.berth.network.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.network.Dns;
import dev.berth.network.dns.ExternalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesTest {
  private static final String HEADER = ResolvConf.HEADER;

  @TempDir Path dir;

  @Test
  void readsTheHostsResolversAndDropsLoopbackOnesForAContainer() throws Exception {
    Path host = Files.writeString(dir.resolve("resolv.conf"),
        "# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\ndomain old.test\nsearch a.test b.test\n"
            + "options ndots:2 edns0\n");
    Dns dns = ResolvConf.read(host);
    assertEquals(List.of("127.0.0.53", "10.0.0.2"), dns.nameservers());
    assertEquals(List.of("a.test", "b.test"), dns.search());
    Dns forContainer = ResolvConf.forOwnNamespace(dns, List.of("8.8.8.8"), false);
    assertEquals(List.of("10.0.0.2"), forContainer.nameservers());
    assertEquals(List.of("8.8.8.8"),
        ResolvConf.forOwnNamespace(new Dns(List.of("127.0.0.1"), List.of(), List.of()), List.of("8.8.8.8"), false)
            .nameservers());
    assertEquals(Dns.NONE, ResolvConf.read(dir.resolve("absent")));
  }

  @Test
  void aContainersOwnResolvConfIsDockers27NameserversFirstUnderItsHeaderWithItsComments() {
    Path hostFile = Path.of("/etc/resolv.conf");
    Dns host = new Dns(List.of("127.0.0.53", "10.0.0.2"), List.of("a.test"), List.of("ndots:2", "edns0"));
    Dns dns = ResolvConf.forOwnNamespace(host, List.of("8.8.8.8"), false);
    String file = ResolvConf.render(new ResolvConf.Host(hostFile, host), Dns.NONE, dns, true, false);
    assertEquals(HEADER + "nameserver 10.0.0.2\nsearch a.test\noptions ndots:2 edns0\n\n"
        + "# Based on host file: '/etc/resolv.conf' (legacy)\n# Overrides: []\n# Option ndots from: host\n", file);

    // the host's servers all loopback ones, the defaults in their place; what was asked for, Docker's overrides
    Dns loopback = new Dns(List.of("127.0.0.53"), List.of(), List.of());
    Dns asked = new Dns(List.of(), List.of("b.test"), List.of("ndots:3"));
    assertEquals(HEADER + "nameserver 8.8.8.8\nsearch b.test\noptions ndots:3\n\n"
        + "# Based on host file: '/etc/resolv.conf' (legacy)\n# Used default nameservers.\n"
        + "# Overrides: [search options]\n# Option ndots from: override\n",
        ResolvConf.render(new ResolvConf.Host(hostFile, loopback), asked,
            new Dns(List.of("8.8.8.8"), List.of("b.test"), List.of("ndots:3")), true, false));
    // on the host's network, the host's servers as they are, no transformation named
    assertEquals(HEADER + "nameserver 127.0.0.53\n\n# Based on host file: '/etc/resolv.conf'\n# Overrides: []\n",
        ResolvConf.render(new ResolvConf.Host(hostFile, loopback), Dns.NONE, loopback, false, false));

    // what berthd wrote, and what an earlier berthd wrote (search first, no comments), still tell the same
    assertTrue(ResolvConf.tells(file, dns));
    assertTrue(ResolvConf.tells("search a.test\nnameserver 10.0.0.2\noptions ndots:2 edns0\n", dns));
    assertFalse(ResolvConf.tells(file.replace("nameserver 10.0.0.2", "nameserver 10.0.0.3"), dns));
    assertFalse(ResolvConf.tells(file + "options rotate\n", dns));
  }

  @Test
  void theHostFilesOtherLinesAreKeptInOrderAfterTheOptionsAsDocker27KeepsThem() throws Exception {
    Path hostFile = Files.writeString(dir.resolve("resolv.conf.other"),
        "# comment\nsortlist 10.0.0.0/255.0.0.0\nnameserver 10.0.0.2\nnameserver dns.example.invalid\n"
            + "lookup file bind\n  family inet4\ninet6\n; also a comment\nsearch a.test\nnameserver\n"
            + "options ndots:2\n");
    ResolvConf.Host host = ResolvConf.load(hostFile);
    assertEquals(List.of("sortlist 10.0.0.0/255.0.0.0", "lookup file bind", "  family inet4", "inet6"), host.other(),
        "lines as they are, a directive without a value too; comments and a nameserver without one skipped");
    assertEquals(List.of("dns.example.invalid"), host.invalidNameservers());
    assertEquals(new Dns(List.of("10.0.0.2"), List.of("a.test"), List.of("ndots:2")), host.dns());
    String other = "sortlist 10.0.0.0/255.0.0.0\nlookup file bind\n  family inet4\ninet6\n";
    assertEquals(HEADER + "nameserver 10.0.0.2\nsearch a.test\noptions ndots:2\n" + other + "\n"
        + "# Based on host file: '" + hostFile + "' (legacy)\n# Invalid nameservers: [dns.example.invalid]\n"
        + "# Overrides: []\n# Option ndots from: host\n",
        ResolvConf.render(host, Dns.NONE, ResolvConf.forOwnNamespace(host.dns(), List.of("8.8.8.8"), false), true,
            false));
    assertEquals(HEADER + "nameserver 127.0.0.11\nsearch a.test\noptions ndots:2\n" + other + "\n"
        + "# Based on host file: '" + hostFile + "' (internal resolver)\n# ExtServers: [10.0.0.2]\n"
        + "# Invalid nameservers: [dns.example.invalid]\n# Overrides: []\n# Option ndots from: host\n",
        ResolvConf.renderInternal(host, Dns.NONE, List.of("8.8.8.8"), false));
    String written = ResolvConf.render(host, Dns.NONE, host.dns(), false, false);
    assertTrue(ResolvConf.tells(written, host.dns()), "the other lines tell nothing: " + written);
  }

  @Test
  void ipv6ServersAreDroppedForAContainerWhoseNetworkHasNoIpv6AsDocker27DropsThem() {
    Dns host = new Dns(List.of("127.0.0.53", "fd00::53", "10.0.0.2", "::1"), List.of(), List.of());
    assertEquals(List.of("10.0.0.2"), ResolvConf.forOwnNamespace(host, List.of("8.8.8.8"), false).nameservers());
    assertEquals(List.of("fd00::53", "10.0.0.2"),
        ResolvConf.forOwnNamespace(host, List.of("8.8.8.8"), true).nameservers());
    // none left: the defaults, and Docker's comment
    Dns v6only = new Dns(List.of("fd00::53"), List.of(), List.of());
    Dns dns = ResolvConf.forOwnNamespace(v6only, List.of("8.8.8.8"), false);
    assertEquals(List.of("8.8.8.8"), dns.nameservers());
    ResolvConf.Host file = new ResolvConf.Host(Path.of("/etc/resolv.conf"), v6only);
    assertTrue(ResolvConf.render(file, Dns.NONE, dns, true, false).contains("\n# Used default nameservers.\n"));
    assertFalse(ResolvConf.render(file, Dns.NONE, v6only, true, true).contains("# Used default"));
    // the embedded resolver asks an IPv6 server from the container's namespace when it has IPv6, else from berthd's
    assertEquals(List.of(new ExternalServer("fd00::53", true)),
        ResolvConf.internal(ResolvConf.renderInternal(file, Dns.NONE, List.of("8.8.8.8"), false)).servers());
    assertEquals(List.of(new ExternalServer("fd00::53", false)),
        ResolvConf.internal(ResolvConf.renderInternal(file, Dns.NONE, List.of("8.8.8.8"), true)).servers());
    ResolvConf.Host zoned = new ResolvConf.Host(Path.of("/etc/resolv.conf"),
        new Dns(List.of("fe80::1%2"), List.of(), List.of()));
    assertEquals(List.of(new ExternalServer("fe80::1%2", true)),
        ResolvConf.internal(ResolvConf.renderInternal(zoned, Dns.NONE, List.of("8.8.8.8"), true)).servers(),
        "a zone is the host's");
  }

  @Test
  void nameserversThatAreNoAddressLiteralsAreSkippedAsGlibcSkipsThem() throws Exception {
    Path host = Files.writeString(dir.resolve("resolv.conf.names"),
        "nameserver dns.example.invalid\nnameserver 10.0.0.2\nnameserver 10.0.0.256\nnameserver fd00::53\n"
            + "nameserver fe80::1%2\nnameserver 1.2.3\nnameserver :::\n");
    assertEquals(List.of("10.0.0.2", "fd00::53", "fe80::1%2"), ResolvConf.read(host).nameservers());
  }

  @Test
  void hostsFileListsLocalhostThenEntriesWithoutDuplicates() {
    String hosts = new HostsFile().add("10.88.0.2", List.of("web", "web", "www")).add("10.88.0.3", List.of()).render();
    assertEquals("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
        + "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n10.88.0.2\tweb www\n", hosts);
  }

  @Test
  void aContainersOwnNamesAreDockersFqdnThenShortName() {
    assertEquals(List.of("0123456789ab"), HostsFile.ownNames("0123456789ab", ""));
    assertEquals(List.of("h.example.com", "h"), HostsFile.ownNames("h", "example.com"));
    assertEquals(List.of("h.example.com", "h"), HostsFile.ownNames("h.example.com", ""));
  }

  @Test
  void aReaderNeverSeesAnEmptyResolvConfWhileItIsRewritten() throws Exception {
    ContainerFiles files = new ContainerFiles(dir.resolve("network"));
    var paths = dev.berth.api.network.ContainerFilePaths.in(files.directory("default", "reader"));
    String a = "nameserver 10.0.0.2\n";
    String b = "nameserver 127.0.0.11\noptions ndots:0\n\n# ExtServers: [10.0.0.2]\n";
    files.write(paths, "hosts\n", "reader", a);
    Object inode = Files.getAttribute(paths.resolvConf(), "unix:ino");
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger empty = new AtomicInteger();
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        try {
          if (Files.size(paths.resolvConf()) == 0 || Files.readAllBytes(paths.resolvConf()).length == 0) {
            empty.incrementAndGet();
          }
        } catch (java.io.IOException e) {
          empty.incrementAndGet();
        }
      }
    });
    reader.start();
    try {
      for (int i = 0; i < 5000; i++) {
        files.rewriteResolvConf(paths, i % 2 == 0 ? b : a);
      }
    } finally {
      done.set(true);
      reader.join();
    }
    assertEquals(0, empty.get(), "reads that found resolv.conf empty");
    assertEquals(a, Files.readString(paths.resolvConf()));
    assertEquals(inode, Files.getAttribute(paths.resolvConf(), "unix:ino"));
  }

  @Test
  void rewritesKeepTheInodeThatABindMountHolds() throws Exception {
    ContainerFiles files = new ContainerFiles(dir.resolve("network"));
    var paths = dev.berth.api.network.ContainerFilePaths.in(files.directory("default", "web"));
    files.write(paths, "one\n", "web", "nameserver 10.0.0.2\n");
    Object inode = Files.getAttribute(paths.hosts(), "unix:ino");
    files.rewriteHosts(paths, "two\n");
    assertEquals("two\n", Files.readString(paths.hosts()));
    assertEquals(inode, Files.getAttribute(paths.hosts(), "unix:ino"));
    files.delete(files.directory("default", "web"));
    assertEquals(List.of(), Files.list(dir.resolve("network")).toList());
  }

  @Test
  void theInternalResolversFileIsDockers27AndTellsItsServersBack() {
    Dns host = new Dns(List.of("127.0.0.53", "192.0.2.53"), List.of("example.test"), List.of("edns0"));
    String file = ResolvConf.renderInternal(new ResolvConf.Host(Path.of("/etc/resolv.conf"), host), Dns.NONE,
        List.of("8.8.8.8"), false);
    assertEquals(HEADER + "nameserver 127.0.0.11\nsearch example.test\noptions edns0 ndots:0\n\n"
        + "# Based on host file: '/etc/resolv.conf' (internal resolver)\n"
        + "# ExtServers: [host(127.0.0.53) 192.0.2.53]\n# Overrides: []\n# Option ndots from: internal\n", file);
    assertEquals(new ResolvConf.Internal(List.of(new ExternalServer("127.0.0.53", true),
        new ExternalServer("192.0.2.53", false)), false), ResolvConf.internal(file));

    // --dns servers are asked from the container's namespace, loopback or not; no host servers: defaults
    String asked = ResolvConf.renderInternal(new ResolvConf.Host(Path.of("/etc/resolv.conf"), Dns.NONE),
        new Dns(List.of("127.0.0.1"), List.of(), List.of("ndots:3")), List.of("8.8.8.8"), false);
    assertEquals(new ResolvConf.Internal(List.of(new ExternalServer("127.0.0.1", false)), true),
        ResolvConf.internal(asked));
    assertTrue(asked.contains("options ndots:3\n") && asked.contains("# Overrides: [nameservers options]\n"), asked);
    String defaults = ResolvConf.renderInternal(new ResolvConf.Host(Path.of("/etc/resolv.conf"), Dns.NONE), Dns.NONE,
        List.of("8.8.8.8"), false);
    assertTrue(defaults.contains("# Used default nameservers.\n# ExtServers: [8.8.8.8]\n"), defaults);
    assertNull(ResolvConf.internal("nameserver 192.0.2.53\n"));
  }
}
