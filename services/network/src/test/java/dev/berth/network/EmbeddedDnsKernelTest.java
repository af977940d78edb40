package dev.berth.network;

import static dev.berth.network.BridgeNetworkKernelTest.address;
import static dev.berth.network.NetworkHarness.assertOk;
import static dev.berth.network.NetworkHarness.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.DetachRequest;
import berth.network.v1.Network;
import dev.berth.network.linux.Netns;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedded DNS server at 127.0.0.11 on user-defined networks, asked with busybox's nslookup
 * (raw DNS, not /etc/hosts) from containers' namespaces, with a fake upstream server in the test's
 * host namespace on the network's gateway address.
 */
class EmbeddedDnsKernelTest {
  @RegisterExtension
  final NetworkHarness h = NetworkHarness.perTest();
  private FakeUpstream upstream;

  @AfterEach
  void stopUpstream() throws IOException {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void answersPeersByNameAliasShortIdAndAddressOnTheSameNetworkOnly() throws Exception {
    network("backend", "10.211.0.0/24");
    network("other", "10.212.0.0/24");
    Attachment db = h.attach(AttachRequest.newBuilder().setContainerId("0123456789abcdef-db").setNetwork("backend")
        .addAliases("db").addAliases("database").build());
    upstream = FakeUpstream.start(h.hostNetnsPath, "10.211.0.1"); // on the gateway, which the bridge now has
    Attachment app = h.attach(AttachRequest.newBuilder().setContainerId("app").setNetwork("backend")
        .addDnsServers("10.211.0.1").build());
    h.attach(AttachRequest.newBuilder().setContainerId("stranger").setNetwork("other").addAliases("stranger").build());

    assertEquals(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\nsearch example.test\noptions ndots:2\n\n"
        + "# Based on host file: '" + h.resolvConf + "' (internal resolver)\n"
        + "# ExtServers: [10.211.0.1]\n# Overrides: [nameservers]\n# Option ndots from: host\n",
        Files.readString(Path.of(app.getFiles().getResolvConf())));
    for (String name : new String[] {"db", "database", "DB.backend", "0123456789ab"}) {
      Sh.Result r = nslookup(app, name);
      assertOk(r, "nslookup " + name);
      assertTrue(r.output().contains("Address: " + address(db)), r.output());
    }
    Sh.Result ptr = nslookup(app, address(db));
    assertOk(ptr, "reverse lookup");
    assertTrue(ptr.output().contains("name = db.backend"), ptr.output());

    // Not a peer: forwarded, and the upstream's NXDOMAIN relayed; its answers relayed as well.
    Sh.Result stranger = nslookup(app, "stranger.example");
    assertFalse(stranger.ok(), stranger.output());
    assertTrue(stranger.output().contains("NXDOMAIN"), stranger.output());
    Sh.Result outside = nslookup(app, "upstream.test");
    assertOk(outside, "forwarded");
    assertTrue(outside.output().contains("198.51.100.7"), outside.output());
    Sh.Result failing = nslookup(app, "broken.test");
    assertTrue(failing.output().contains("SERVFAIL"), failing.output());

    // Over TCP too, and forwarded over TCP.
    byte[] answer = Netns.callIn(Path.of(app.getNetnsPath()), () -> tcpQuery("database"));
    assertEquals(0, answer[3] & 0xf, "NOERROR");
    assertEquals(address(db), lastAddress(answer));
    byte[] forwarded = Netns.callIn(Path.of(app.getNetnsPath()), () -> tcpQuery("upstream.test"));
    assertEquals("198.51.100.8", lastAddress(forwarded));

    for (String id : new String[] {"0123456789abcdef-db", "app", "stranger"}) {
      h.detach(id);
    }
    assertEquals(0, h.manager.resolversServed());
    h.assertNothingLeft();
  }

  @Test
  void answersAaaaAndIpv6ReverseQueriesForPeersOnAnIpv6Network() throws Exception {
    h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("dual")
        .setSubnet("10.213.0.0/24").setEnableIpv6(true).setIpv6Subnet("fd00:db8:9::/64")).build());
    network("v4only", "10.214.0.0/24");
    Attachment a = h.attach("a", "dual");
    Attachment b = h.attach(AttachRequest.newBuilder().setContainerId("b").setNetwork("dual").addAliases("bee").build());
    Attachment c = h.attach("c", "v4only");
    Attachment d = h.attach("d", "v4only");
    for (String name : new String[] {"b", "bee", "b.dual"}) {
      Sh.Result r = in(a.getNetnsPath(), "busybox", "nslookup", "-type=aaaa", name, "127.0.0.11");
      assertOk(r, "AAAA of " + name);
      assertTrue(r.output().contains("Address: " + Ipv6NetworkKernelTest.address6(b)), r.output());
    }
    Sh.Result both = nslookup(b, "a");
    assertTrue(both.output().contains("Address: " + address(a)) && both.output().contains("Address: fd00:db8:9::2"),
        both.output());
    Sh.Result ptr = nslookup(a, Ipv6NetworkKernelTest.address6(b));
    assertOk(ptr, "reverse lookup of an IPv6 address");
    assertTrue(ptr.output().contains("name = bee.dual"), ptr.output());
    // a peer without IPv6: its name is known, so NOERROR without AAAA answers, as before
    Sh.Result none = in(c.getNetnsPath(), "busybox", "nslookup", "-type=aaaa", "d", "127.0.0.11");
    assertFalse(none.output().contains("NXDOMAIN"), none.output());
    assertFalse(none.output().contains("Address: " + address(d)), none.output());
    for (String id : new String[] {"a", "b", "c", "d"}) {
      h.detach(id);
    }
    h.assertNothingLeft();
  }

  @Test
  void theDefaultBridgeKeepsTheHostsResolvers() throws Exception {
    Attachment a = h.attach("a", "");
    String resolv = Files.readString(Path.of(a.getFiles().getResolvConf()));
    assertFalse(resolv.contains("127.0.0.11"), resolv);
    assertEquals(0, h.manager.resolversServed());
    assertFalse(in(a.getNetnsPath(), "nft", "list", "tables").output().contains("berth_dns"));
  }

  @Test
  void aDefaultBridgeContainerConnectedToAUserDefinedNetworkSwitchesToTheResolverAndKeepsIt() throws Exception {
    network("later", "10.218.0.0/24");
    Attachment peer = h.attach(AttachRequest.newBuilder().setContainerId("peer").setNetwork("later")
        .addAliases("peer").build());
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("late").addDnsServers("10.218.0.1").build());
    Path resolvConf = Path.of(a.getFiles().getResolvConf());
    String before = Files.readString(resolvConf);
    assertEquals(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 10.218.0.1\nsearch example.test\noptions ndots:2\n\n"
        + "# Based on host file: '" + h.resolvConf + "' (legacy)\n# Overrides: [nameservers]\n# Option ndots from: host\n",
        before);
    // the file the container has bind-mounted: rewritten in place, never renamed over
    Object inode = Files.getAttribute(resolvConf, "unix:ino");

    h.attach(AttachRequest.newBuilder().setContainerId("late").setNetwork("later").build());
    assertEquals(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\nsearch example.test\noptions ndots:2\n\n"
        + "# Based on host file: '" + h.resolvConf + "' (internal resolver)\n"
        + "# ExtServers: [10.218.0.1]\n# Overrides: [nameservers]\n# Option ndots from: host\n",
        Files.readString(resolvConf));
    assertEquals(inode, Files.getAttribute(resolvConf, "unix:ino"));
    upstream = FakeUpstream.start(h.hostNetnsPath, "10.218.0.1");
    Sh.Result r = nslookup(a, "peer");
    assertOk(r, "nslookup peer");
    assertTrue(r.output().contains(address(peer)), r.output());
    assertTrue(nslookup(a, "upstream.test").output().contains("198.51.100.7"), "forwarded to its --dns server");

    // Docker keeps the resolver when the container leaves its last user-defined network, after a restart too
    h.attachments.detach(DetachRequest.newBuilder().setContainerId("late").setNetwork("later").build());
    h.stop();
    h.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Sh.Result again = nslookup(a, "upstream.test");
    while (!again.output().contains("198.51.100.7") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      again = nslookup(a, "upstream.test");
    }
    assertTrue(again.output().contains("198.51.100.7"), again.output());
    assertTrue(Files.readString(resolvConf).startsWith(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\n"));
    h.detach("late");
    h.detach("peer");
    assertEquals(0, h.manager.resolversServed());
    h.assertNothingLeft();
  }

  @Test
  void aContainerJoiningAnothersNamespaceHasItsResolvConfAndSwitchesWithIt() throws Exception {
    network("joined", "10.226.0.0/24");
    Attachment peer = h.attach(AttachRequest.newBuilder().setContainerId("peer").setNetwork("joined")
        .addAliases("peer").build());
    Attachment donor = h.attach(AttachRequest.newBuilder().setContainerId("donor").addDnsServers("10.226.0.1").build());
    Attachment joiner = h.attach("joiner", "container:donor");
    Path donorConf = Path.of(donor.getFiles().getResolvConf());
    Path joinerConf = Path.of(joiner.getFiles().getResolvConf());
    // Docker's joiner uses the donor's file: its --dns server, not the host's
    assertEquals(Files.readString(donorConf), Files.readString(joinerConf));

    h.attach(AttachRequest.newBuilder().setContainerId("donor").setNetwork("joined").build());
    assertTrue(Files.readString(donorConf).startsWith(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\n"), Files.readString(donorConf));
    assertEquals(Files.readString(donorConf), Files.readString(joinerConf), "switched with the donor's");
    Sh.Result r = nslookup(joiner, "peer");
    assertOk(r, "nslookup peer from the joiner");
    assertTrue(r.output().contains(address(peer)), r.output());
    for (String id : new String[] {"joiner", "donor", "peer"}) {
      h.detach(id);
    }
    assertEquals(0, h.manager.resolversServed());
    h.assertNothingLeft();
  }

  @Test
  void aJoinerOfAJoinerSharesTheDonorsFilesAndSwitchesWithIt() throws Exception {
    network("chained", "10.227.0.0/24");
    Attachment peer = h.attach(AttachRequest.newBuilder().setContainerId("peer").setNetwork("chained")
        .addAliases("peer").build());
    Attachment donor = h.attach("donor", "");
    h.attach("j1", "container:donor");
    Attachment j2 = h.attach("j2", "container:j1");
    h.attach(AttachRequest.newBuilder().setContainerId("donor").setNetwork("chained").build());
    Path donorConf = Path.of(donor.getFiles().getResolvConf());
    assertTrue(Files.readString(donorConf).startsWith(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\n"), Files.readString(donorConf));
    assertEquals(Files.readString(donorConf), Files.readString(Path.of(j2.getFiles().getResolvConf())));
    assertEquals(Files.readString(Path.of(donor.getFiles().getHosts())),
        Files.readString(Path.of(j2.getFiles().getHosts())), "Docker's share one /etc/hosts");
    Sh.Result r = nslookup(j2, "peer");
    assertOk(r, "nslookup peer from the joiner of a joiner");
    assertTrue(r.output().contains(address(peer)), r.output());
    for (String id : new String[] {"j2", "j1", "donor", "peer"}) {
      h.detach(id);
    }
    h.assertNothingLeft();
  }

  @Test
  void resolvConfsAContainerSpoiledNeitherFailNorBlockJoinsAndConnects() throws Exception {
    network("spoiled", "10.228.0.0/24");
    // bytes that are no UTF-8 in the donor's file: the joiner still joins
    Attachment x = h.attach("x", "");
    Path xConf = Path.of(x.getFiles().getResolvConf());
    Files.write(xConf, new byte[] {'#', ' ', (byte) 0xff, '\n', 'n', 's', '\n'});
    h.attach("xj", "container:x");
    // a joiner's copy that is no UTF-8, a FIFO, a link out or too big leaves that joiner alone
    Attachment y = h.attach("y", "");
    Path bad = Path.of(h.attach("bad", "container:y").getFiles().getResolvConf());
    Path fifo = Path.of(h.attach("fifo", "container:y").getFiles().getResolvConf());
    Path link = Path.of(h.attach("link", "container:y").getFiles().getResolvConf());
    Path big = Path.of(h.attach("big", "container:y").getFiles().getResolvConf());
    Path good = Path.of(h.attach("good", "container:y").getFiles().getResolvConf());
    Files.write(bad, new byte[] {(byte) 0xc3, '\n'});
    Files.delete(fifo);
    assertOk(h.onHost("mkfifo", fifo.toString()), "mkfifo");
    Path outside = Files.writeString(h.state.resolve("outside"), Files.readString(good));
    Files.delete(link);
    Files.createSymbolicLink(link, outside);
    Files.write(big, new byte[70 * 1024]);
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> h.attach(AttachRequest.newBuilder().setContainerId("y").setNetwork("spoiled").build()));
    String switched = Files.readString(Path.of(y.getFiles().getResolvConf()));
    assertTrue(switched.startsWith(NetworkHarness.RESOLV_CONF_HEADER + "nameserver 127.0.0.11\n"), switched);
    assertEquals(switched, Files.readString(good));
    assertEquals(List.of((byte) 0xc3, (byte) '\n'), bytes(bad));
    assertFalse(Files.readString(outside).contains("127.0.0.11"), "the link's target is not written");
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(70 * 1024, Files.size(big));
    // a donor whose file is a FIFO or too big: a joiner gets one of its own, without blocking
    Files.delete(xConf);
    assertOk(h.onHost("mkfifo", xConf.toString()), "mkfifo");
    Attachment fifoJoiner = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> h.attach("xj2", "container:x"));
    assertTrue(Files.readString(Path.of(fifoJoiner.getFiles().getResolvConf())).contains("nameserver "));
    for (String id : new String[] {"xj", "xj2", "x", "bad", "fifo", "link", "big", "good", "y"}) {
      h.detach(id);
    }
    Files.delete(outside);
    h.assertNothingLeft();
  }

  private static List<Byte> bytes(Path file) throws IOException {
    List<Byte> bytes = new ArrayList<>();
    for (byte b : Files.readAllBytes(file)) {
      bytes.add(b);
    }
    return bytes;
  }

  @Test
  void aResolvConfTheContainerChangedIsLeftAloneOnConnect() throws Exception {
    network("edited", "10.219.0.0/24");
    Attachment a = h.attach("editor", "");
    Path resolvConf = Path.of(a.getFiles().getResolvConf());
    Files.writeString(resolvConf, "nameserver 192.0.2.99\n");
    h.attach(AttachRequest.newBuilder().setContainerId("editor").setNetwork("edited").build());
    assertEquals("nameserver 192.0.2.99\n", Files.readString(resolvConf));
    assertEquals(0, h.manager.resolversServed(), "no resolver for a file that does not name it");
    h.detach("editor");
  }

  @Test
  void aContainerKeepsItsOwnPort53() throws Exception {
    network("dnsnet", "10.213.0.0/24");
    Attachment server = h.attach(AttachRequest.newBuilder().setContainerId("server").setNetwork("dnsnet")
        .addAliases("server").build());
    Attachment client = h.attach(AttachRequest.newBuilder().setContainerId("client").setNetwork("dnsnet").build());
    try (DatagramChannel own = Netns.callIn(Path.of(server.getNetnsPath()), () -> {
      DatagramChannel c = DatagramChannel.open();
      c.bind(new InetSocketAddress("0.0.0.0", 53));
      return c;
    })) {
      Netns.callIn(Path.of(client.getNetnsPath()), () -> {
        try (DatagramChannel c = DatagramChannel.open()) {
          return c.send(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)),
              new InetSocketAddress(address(server), 53));
        }
      });
      ByteBuffer got = ByteBuffer.allocate(64);
      own.configureBlocking(true);
      own.receive(got);
      assertEquals("hello\n", new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII));
      // and 127.0.0.11:53 is still the resolver's
      Sh.Result r = nslookup(client, "server");
      assertOk(r, "nslookup server");
      assertTrue(r.output().contains(address(server)), r.output());
      assertOk(nslookup(server, "client"), "the server container asks too");
    }
  }

  @Test
  void aRestartedServiceAnswersAgainAndRemovesRulesOnDetach() throws Exception {
    network("keep", "10.214.0.0/24");
    Path given = h.addNetns("berth-dns-given-" + Long.toHexString(System.nanoTime()));
    Attachment web = h.attach(AttachRequest.newBuilder().setContainerId("web").setNetwork("keep")
        .addAliases("web").setNetnsPath(given.toString()).build());
    Attachment client = h.attach(AttachRequest.newBuilder().setContainerId("client").setNetwork("keep").build());
    assertOk(nslookup(client, "web"), "before the restart");
    String rulesBefore = in(web.getNetnsPath(), "nft", "list", "table", "ip", "berth_dns").output();

    h.stop();
    h.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Sh.Result r = nslookup(client, "web");
    while (!r.ok() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      r = nslookup(client, "web");
    }
    assertOk(r, "after the restart");
    assertTrue(r.output().contains(address(web)), r.output());
    String rulesAfter = in(web.getNetnsPath(), "nft", "list", "table", "ip", "berth_dns").output();
    assertFalse(rulesAfter.equals(rulesBefore), "rules repointed to the new ports: " + rulesAfter);
    assertOk(nslookup(web, "client"), "web asks after the restart");

    h.detach("web");
    h.detach("client");
    assertFalse(in(given.toString(), "nft", "list", "tables").output().contains("berth_dns"),
        "rules left in a namespace the caller keeps");
    assertTrue(in(given.toString(), "ss", "-aun").output().lines().noneMatch(l -> l.contains("127.0.0.11")),
        "sockets left");
    assertEquals(0, h.manager.resolversServed());
  }

  @Test
  void theResolversOwnAddressIsNoUpstreamAndOthersStillResolve() throws Exception {
    network("selfdns", "10.215.0.0/24");
    Attachment peer = h.attach(AttachRequest.newBuilder().setContainerId("peer").setNetwork("selfdns")
        .addAliases("peer").build());
    Attachment looping = h.attach(AttachRequest.newBuilder().setContainerId("looping").setNetwork("selfdns")
        .addDnsServers("127.0.0.11").build());
    // forwarded to itself, the query would come back through the DNAT for ever
    Sh.Result r = nslookup(looping, "upstream.test");
    assertTrue(r.output().contains("SERVFAIL"), r.output());
    Sh.Result other = nslookup(peer, "looping");
    assertOk(other, "another container still resolves");
    assertOk(nslookup(looping, "peer"), "and the container itself, its peers");
  }

  @Test
  void queriesBeyondTheConcurrencyCapAreRefused() throws Exception {
    network("capped", "10.216.0.0/24");
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("flood").setNetwork("capped")
        .addDnsServers("10.216.0.1").build());
    // an upstream on the gateway (which the bridge has now) that never answers
    try (DatagramChannel silent = Netns.callIn(h.hostNetnsPath, () -> {
      DatagramChannel c = DatagramChannel.open();
      c.bind(new InetSocketAddress("10.216.0.1", 53));
      return c;
    })) {
      int refused = Netns.callIn(Path.of(a.getNetnsPath()), () -> {
        try (DatagramChannel c = DatagramChannel.open()) {
          c.connect(new InetSocketAddress("127.0.0.11", 53));
          c.configureBlocking(false);
          for (int i = 0; i < 1100; i++) {
            byte[] q = query("q" + i + ".test");
            q[0] = (byte) (i >> 8);
            q[1] = (byte) i;
            c.write(ByteBuffer.wrap(q));
            if (i % 50 == 49) {
              LockSupport.parkNanos(20_000_000); // lets the resolver keep up, so that no query is dropped before it
            }
          }
          int count = 0;
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); // before the 4 s SERVFAILs
          ByteBuffer in = ByteBuffer.allocate(512);
          while (System.nanoTime() < until) {
            in.clear();
            if (c.read(in) > 0 && (in.get(3) & 0xf) == 5) {
              count++;
            } else {
              LockSupport.parkNanos(5_000_000);
            }
          }
          return count;
        }
      });
      assertTrue(refused > 0 && refused <= 1100 - 1024, "REFUSED answers: " + refused);
      h.detach("flood");
    }
  }

  @Test
  void anIpv6UpstreamMovesOnToTheNextServerAndLeaksNoQuery() throws Exception {
    network("v6up", "10.224.0.0/24");
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("v6asker").setNetwork("v6up")
        .addDnsServers("fd00::1").addDnsServers("10.224.0.1").build());
    upstream = FakeUpstream.start(h.hostNetnsPath, "10.224.0.1");
    // more than the 1024 a container may have waiting: none may stay counted once answered
    int answered = Netns.callIn(Path.of(a.getNetnsPath()), () -> {
      try (DatagramChannel c = DatagramChannel.open()) {
        c.connect(new InetSocketAddress("127.0.0.11", 53));
        c.configureBlocking(false);
        int count = 0;
        for (int i = 0; i < MAX_WAITING_QUERIES + 16; i++) {
          c.write(ByteBuffer.wrap(query("upstream.test")));
          byte[] answer = udpAnswer(c, 2000);
          if (answer == null) {
            break;
          }
          if (lastAddress(answer).equals("198.51.100.7")) {
            count++;
          }
        }
        return count;
      }
    });
    assertEquals(MAX_WAITING_QUERIES + 16, answered);
    assertEquals("198.51.100.8", lastAddress(Netns.callIn(Path.of(a.getNetnsPath()),
        () -> tcpQuery("upstream.test"))), "and over TCP");
    h.detach("v6asker");
  }

  @Test
  void aRestartedServiceForwardsToTheServersItKeptNotThoseTheContainerWrote() throws Exception {
    network("tamper", "10.217.0.0/24");
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("tamperer").setNetwork("tamper")
        .addDnsServers("10.217.0.1").build());
    upstream = FakeUpstream.start(h.hostNetnsPath, "10.217.0.1");
    Path resolvConf = Path.of(a.getFiles().getResolvConf());
    // the file is the container's (bind-mounted read-write): it may name any server, asked from the host
    Files.writeString(resolvConf, Files.readString(resolvConf)
        .replace("# ExtServers: [10.217.0.1]", "# ExtServers: [host(127.0.0.99)]"));

    h.stop();
    h.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Sh.Result r = nslookup(a, "upstream.test");
    while (!r.output().contains("198.51.100.7") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      r = nslookup(a, "upstream.test");
    }
    assertTrue(r.output().contains("198.51.100.7"), "asked the server berthd kept: " + r.output());
    h.detach("tamperer");
  }

  @Test
  void aContainerHoldsAtMostSixteenTcpConnections() throws Exception {
    network("tcpcap", "10.220.0.0/24");
    h.attach(AttachRequest.newBuilder().setContainerId("peer").setNetwork("tcpcap").addAliases("peer").build());
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("many").setNetwork("tcpcap").build());
    Netns.callIn(Path.of(a.getNetnsPath()), () -> {
      List<SocketChannel> held = new ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) {
          held.add(SocketChannel.open(new InetSocketAddress("127.0.0.11", 53)));
        }
        try (SocketChannel extra = SocketChannel.open(new InetSocketAddress("127.0.0.11", 53))) {
          assertTrue(closedWithin(extra, 1000), "the 17th connection is closed at once");
        }
        byte[] answer = tcpQuery(held.get(0), "peer");
        assertEquals(0, answer[3] & 0xf, "the first ones are served");
      } finally {
        for (SocketChannel c : held) {
          c.close();
        }
      }
      return null;
    });
  }

  @Test
  void aTcpConnectionCarries128QueriesThenIsClosedOnceTheyAreAnswered() throws Exception {
    network("tcpmax", "10.227.0.0/24");
    h.attach(AttachRequest.newBuilder().setContainerId("peer").setNetwork("tcpmax").addAliases("peer").build());
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("chatty").setNetwork("tcpmax").build());
    int answered = Netns.callIn(Path.of(a.getNetnsPath()), () -> {
      try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.11", 53))) {
        byte[] q = query("peer");
        ByteBuffer all = ByteBuffer.allocate(130 * (q.length + 2));
        for (int i = 0; i < 130; i++) {
          all.putShort((short) q.length).put(q);
        }
        c.write(all.flip());
        // miekg/dns's maxTCPQueries, under Docker's resolver: the two beyond are never read
        int n = 0;
        ByteBuffer length = ByteBuffer.allocate(2);
        while (readFully(c, length.clear())) {
          if (!readFully(c, ByteBuffer.allocate(length.flip().getShort() & 0xffff))) {
            break;
          }
          n++;
        }
        return n;
      }
    });
    assertEquals(128, answered);
  }

  /** Fills {@code b} from {@code c}; false at the end of the stream (the server hung up), failing after 5 s. */
  private static boolean readFully(SocketChannel c, ByteBuffer b) throws IOException {
    c.configureBlocking(false);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (b.hasRemaining()) {
      int n = c.read(b);
      if (n < 0) {
        return false;
      }
      if (n == 0) {
        assertTrue(System.nanoTime() < until, "the connection was neither answered nor closed");
        LockSupport.parkNanos(1_000_000);
      }
    }
    return true;
  }

  @Test
  void aTcpClientTricklingBytesIsHungUpOnAfterItsDeadline() throws Exception {
    network("trickle", "10.221.0.0/24");
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("slow").setNetwork("trickle").build());
    long tookMillis = Netns.callIn(Path.of(a.getNetnsPath()), () -> {
      try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.11", 53))) {
        long start = System.nanoTime();
        byte[] q = query("peer");
        ByteBuffer framed = ByteBuffer.allocate(q.length + 2).putShort((short) q.length).put(q).flip();
        // one byte every 300 ms: a whole query never arrives, though the connection is never idle
        for (int i = 0; i < framed.limit() - 1 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(6); i++) {
          try {
            c.write(ByteBuffer.wrap(new byte[] {framed.get(i)}));
          } catch (IOException e) {
            break;
          }
          if (closedWithin(c, 300)) {
            break;
          }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
    });
    assertTrue(tookMillis < 4000, "hung up on after " + tookMillis + " ms");
  }

  @Test
  void aTcpClientThatReadsNoAnswersIsHungUpOn() throws Exception {
    network("unread", "10.222.0.0/24");
    h.attach(AttachRequest.newBuilder().setContainerId("peer").setNetwork("unread").addAliases("peer").build());
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("deaf").setNetwork("unread").build());
    boolean hungUp = Netns.callIn(Path.of(a.getNetnsPath()), () -> {
      try (SocketChannel c = SocketChannel.open()) {
        c.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        c.connect(new InetSocketAddress("127.0.0.11", 53));
        c.configureBlocking(false);
        byte[] q = query("peer");
        ByteBuffer framed = ByteBuffer.allocate(q.length + 2).putShort((short) q.length).put(q).flip();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
          while (System.nanoTime() < until) {
            if (c.write(framed.duplicate()) == 0) {
              LockSupport.parkNanos(1_000_000);
            }
          }
        } catch (IOException e) {
          return true; // reset by the resolver
        }
        return closedWithin(c, 2000); // well before the 8 s deadline
      }
    });
    assertTrue(hungUp, "the client was still served");
  }

  @Test
  void pipelinedTcpQueriesHoldFewUpstreamConnectionsClosedWithTheContainer() throws Exception {
    network("tcpcap", "10.225.0.0/24");
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("pipeliner").setNetwork("tcpcap")
        .addDnsServers("10.225.0.1").build());
    // an upstream whose kernel completes the connections but which never reads a query
    try (ServerSocketChannel silent = Netns.callIn(h.hostNetnsPath, () -> {
      ServerSocketChannel t = ServerSocketChannel.open();
      t.bind(new InetSocketAddress("10.225.0.1", 53), 200);
      return t;
    })) {
      long before = openFiles();
      List<SocketChannel> clients = new ArrayList<>();
      try {
        int refused = Netns.callIn(Path.of(a.getNetnsPath()), () -> {
          for (int i = 0; i < 4; i++) {
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.11", 53));
            clients.add(c);
            for (int q = 0; q < 16; q++) {
              byte[] query = query("q" + q + ".test");
              c.write(ByteBuffer.allocate(query.length + 2).putShort((short) query.length).put(query).flip());
            }
          }
          int count = 0;
          for (SocketChannel c : clients) {
            c.socket().setSoTimeout(500); // all well before the 4 s SERVFAILs
            for (int rcode; (rcode = readTcpAnswerRcode(c)) >= 0; ) {
              count += rcode == 5 ? 1 : 0;
            }
          }
          return count;
        });
        assertEquals(4 * 16 - 16, refused, "the queries beyond 16 waiting over TCP are REFUSED");
        long held = openFiles() - before;
        assertTrue(held <= 16 + 4 + 4, held + " files held for 64 pipelined queries over 4 connections");
      } finally {
        for (SocketChannel c : clients) {
          c.close();
        }
      }
      h.detach("pipeliner");
      long left = openFiles() - before;
      assertTrue(left <= 2, left + " files still held after the container left, before the queries' timeouts");
    }
  }

  /** The number of file descriptors this process has open. */
  private static long openFiles() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** The response code of the next answer on {@code c}, a blocking connection; -1 if none came in time. */
  private static int readTcpAnswerRcode(SocketChannel c) throws IOException {
    java.io.DataInputStream in = new java.io.DataInputStream(c.socket().getInputStream());
    try {
      byte[] answer = new byte[in.readUnsignedShort()];
      in.readFully(answer);
      return answer[3] & 0xf;
    } catch (java.net.SocketTimeoutException e) {
      return -1;
    }
  }

  @Test
  void tcpQueriesAreForwardedWithoutAThreadEach() throws Exception {
    network("tcpfwd", "10.223.0.0/24");
    Attachment a = h.attach(AttachRequest.newBuilder().setContainerId("asker").setNetwork("tcpfwd")
        .addDnsServers("10.223.0.1").build());
    upstream = FakeUpstream.start(h.hostNetnsPath, "10.223.0.1");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = threads.getTotalStartedThreadCount();
    Netns.callIn(Path.of(a.getNetnsPath()), () -> {
      for (int i = 0; i < 30; i++) {
        assertEquals("198.51.100.8", lastAddress(tcpQuery("upstream.test")));
      }
      return null;
    });
    long started = threads.getTotalStartedThreadCount() - before;
    assertTrue(started < 10, started + " threads started for 30 queries");
  }

  /** Whether the peer closes {@code c} (EOF or reset) within {@code millis}; answers are read and dropped. */
  private static boolean closedWithin(SocketChannel c, long millis) throws IOException {
    boolean blocking = c.isBlocking();
    c.configureBlocking(false);
    try {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      ByteBuffer sink = ByteBuffer.allocate(65536);
      while (System.nanoTime() < until) {
        sink.clear();
        int n;
        try {
          n = c.read(sink);
        } catch (IOException e) {
          return true;
        }
        if (n < 0) {
          return true;
        }
        if (n == 0) {
          LockSupport.parkNanos(10_000_000);
        }
      }
      return false;
    } finally {
      c.configureBlocking(blocking);
    }
  }

  /** The next datagram on {@code c}, a non-blocking channel, within {@code millis}; null if none came. */
  private static byte[] udpAnswer(DatagramChannel c, long millis) throws IOException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    ByteBuffer in = ByteBuffer.allocate(512);
    while (System.nanoTime() < until) {
      if (c.read(in) > 0) {
        return Arrays.copyOf(in.array(), in.position());
      }
      LockSupport.parkNanos(1_000_000);
    }
    return null;
  }

  /** The address in the last record of an answer. */
  private static String lastAddress(byte[] answer) throws IOException {
    return InetAddress.getByAddress(Arrays.copyOfRange(answer, answer.length - 4, answer.length)).getHostAddress();
  }

  /** Docker's maxConcurrent, as the resolver's Forwarding has it. */
  private static final int MAX_WAITING_QUERIES = 1024;

  private void network(String name, String subnet) {
    h.networks.create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName(name).setSubnet(subnet)).build());
  }

  private static Sh.Result nslookup(Attachment asker, String name) {
    return in(asker.getNetnsPath(), "busybox", "nslookup", name, "127.0.0.11");
  }

  /** An A query for {@code name} over TCP to 127.0.0.11:53; the answer without its length. */
  private static byte[] tcpQuery(String name) throws IOException {
    try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.11", 53))) {
      return tcpQuery(c, name);
    }
  }

  /** An A query for {@code name} over {@code c}, a blocking connection to the resolver; the answer without its length. */
  private static byte[] tcpQuery(SocketChannel c, String name) throws IOException {
    byte[] query = query(name);
    ByteBuffer out = ByteBuffer.allocate(query.length + 2).putShort((short) query.length).put(query).flip();
    c.write(out);
    ByteBuffer length = ByteBuffer.allocate(2);
    while (length.hasRemaining() && c.read(length) >= 0) {
      // read the length
    }
    ByteBuffer answer = ByteBuffer.allocate(length.flip().getShort() & 0xffff);
    while (answer.hasRemaining() && c.read(answer) >= 0) {
      // read the answer
    }
    return answer.array();
  }

  static byte[] query(String name) {
    ByteBuffer b = ByteBuffer.allocate(512).putShort((short) 0x1234).putShort((short) 0x0100).putShort((short) 1)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0);
    for (String label : name.split("\\.")) {
      b.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
    }
    b.put((byte) 0).putShort((short) 1).putShort((short) 1).flip();
    byte[] q = new byte[b.remaining()];
    b.get(q);
    return q;
  }

  /**
   * An upstream server on {@code address}:53 in {@code netns}: upstream.test is 198.51.100.7
   * over UDP and 198.51.100.8 over TCP, broken.test fails (SERVFAIL), anything else does not
   * exist (NXDOMAIN).
   */
  private static final class FakeUpstream implements AutoCloseable {
    private final DatagramChannel channel;
    private final ServerSocketChannel tcp;

    private FakeUpstream(DatagramChannel channel, ServerSocketChannel tcp) {
      this.channel = channel;
      this.tcp = tcp;
    }

    static FakeUpstream start(Path netns, String address) throws IOException {
      FakeUpstream u = Netns.callIn(netns, () -> {
        DatagramChannel d = DatagramChannel.open();
        d.bind(new InetSocketAddress(address, 53));
        ServerSocketChannel t = ServerSocketChannel.open();
        t.bind(new InetSocketAddress(address, 53));
        return new FakeUpstream(d, t);
      });
      Thread udp = new Thread(u::serveUdp, "fake-upstream-udp");
      udp.setDaemon(true);
      udp.start();
      Thread tcp = new Thread(u::serveTcp, "fake-upstream-tcp");
      tcp.setDaemon(true);
      tcp.start();
      return u;
    }

    private void serveUdp() {
      ByteBuffer in = ByteBuffer.allocate(1500);
      while (channel.isOpen()) {
        try {
          in.clear();
          SocketAddress from = channel.receive(in);
          channel.send(ByteBuffer.wrap(answer(Arrays.copyOf(in.array(), in.position()), 7)), from);
        } catch (IOException | RuntimeException e) {
          return;
        }
      }
    }

    /** One query per connection, as Berth's resolver sends them. */
    private void serveTcp() {
      while (tcp.isOpen()) {
        try (SocketChannel c = tcp.accept()) {
          ByteBuffer length = ByteBuffer.allocate(2);
          while (length.hasRemaining() && c.read(length) >= 0) {
            // read the length
          }
          ByteBuffer q = ByteBuffer.allocate(length.flip().getShort() & 0xffff);
          while (q.hasRemaining() && c.read(q) >= 0) {
            // read the query
          }
          byte[] a = answer(q.array(), 8);
          c.write(ByteBuffer.allocate(a.length + 2).putShort((short) a.length).put(a).flip());
        } catch (IOException | RuntimeException e) {
          if (!tcp.isOpen()) {
            return;
          }
        }
      }
    }

    private static byte[] answer(byte[] q, int lastOctet) {
      String name = questionName(q);
      int questionEnd = 12 + name.length() + 2 + 4;
      ByteBuffer out = ByteBuffer.allocate(512).put(q, 0, 2);
      int rcode = name.equals("upstream.test") ? 0 : name.equals("broken.test") ? 2 : 3;
      out.putShort((short) (0x8180 | rcode)).putShort((short) 1).putShort((short) (rcode == 0 ? 1 : 0))
          .putShort((short) 0).putShort((short) 0).put(q, 12, questionEnd - 12);
      if (rcode == 0) {
        out.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
            .put(new byte[] {(byte) 198, 51, 100, (byte) lastOctet});
      }
      out.flip();
      byte[] a = new byte[out.remaining()];
      out.get(a);
      return a;
    }

    private static String questionName(byte[] q) {
      StringBuilder name = new StringBuilder();
      for (int p = 12; q[p] != 0; p += (q[p] & 0xff) + 1) {
        if (!name.isEmpty()) {
          name.append('.');
        }
        name.append(new String(q, p + 1, q[p] & 0xff, StandardCharsets.US_ASCII));
      }
      return name.toString().toLowerCase();
    }

    @Override
    public void close() throws IOException {
      channel.close();
      tcp.close();
    }
  }
}
