package dev.berth.network.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Mode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the embedded resolver answers for --link aliases, as the attachments' records give them. */
class PeerNamesTest {
  private static final String ASKER = PeerNames.key("default", "web-id");
  /** What {@code --link db:database} wrote for web when db had 10.1.0.2. */
  private static final List<HostEntry> LINK = List.of(new HostEntry("database", "10.1.0.2"), new HostEntry("db", "10.1.0.2"));

  @Test
  void aLinkAliasAnswersTheLinkedContainer() {
    PeerNames names = PeerNames.of(List.of(attachment("db-id", "db", "10.1.0.2", List.of()),
        attachment("web-id", "web", "10.1.0.3", LINK)), Set.of("app"));
    assertEquals(List.of("10.1.0.2"), addresses(names, "database"));
  }

  @Test
  void aLinkAliasFollowsTheLinkedContainerToItsNewAddress() {
    PeerNames names = PeerNames.of(List.of(attachment("db-id", "db", "10.1.0.5", List.of()),
        attachment("cache-id", "cache", "10.1.0.2", List.of()),
        attachment("web-id", "web", "10.1.0.3", LINK)), Set.of("app"));
    assertEquals(List.of("10.1.0.5"), addresses(names, "database"));
  }

  @Test
  void aLinkAliasIsNotAnsweredWithAnotherContainerAtTheOldAddress() {
    PeerNames names = PeerNames.of(List.of(attachment("cache-id", "cache", "10.1.0.2", List.of()),
        attachment("web-id", "web", "10.1.0.3", LINK)), Set.of("app"));
    assertEquals(List.of(), addresses(names, "database"));
  }

  /** What {@code --link db:database} writes now: db's short id as well. */
  private static final String DB_ID = "0123456789abcdef0123";
  private static final List<HostEntry> LINK_WITH_ID = List.of(new HostEntry("database", "10.1.0.2"),
      new HostEntry("db", "10.1.0.2"), new HostEntry("0123456789ab", "10.1.0.2"));

  @Test
  void aLinkAliasFollowsTheLinkedContainerAcrossARename() {
    PeerNames names = PeerNames.of(List.of(attachment(DB_ID, "maindb", "10.1.0.4", List.of()),
        attachment("web-id", "web", "10.1.0.3", LINK_WITH_ID)), Set.of("app"));
    assertEquals(List.of("10.1.0.4"), addresses(names, "database"));
  }

  @Test
  void aLinkAliasIsNotAnsweredOnceTheLinkedContainerIsGoneThoughAnotherTookItsName() {
    PeerNames names = PeerNames.of(List.of(attachment("fedcba9876543210", "db", "10.1.0.5", List.of()),
        attachment("web-id", "web", "10.1.0.3", LINK_WITH_ID)), Set.of("app"));
    assertEquals(List.of(), addresses(names, "database"));
  }

  @Test
  void onlyTheLinksLastEntryIsTakenAsTheLinkedContainersId() {
    // run --name deadbeefcafe db; run --link deadbeefcafe:dbalias web
    PeerNames named = PeerNames.of(List.of(attachment(DB_ID, "deadbeefcafe", "10.1.0.2", List.of()),
        attachment("web-id", "web", "10.1.0.3", List.of(new HostEntry("dbalias", "10.1.0.2"),
            new HostEntry("deadbeefcafe", "10.1.0.2"), new HostEntry("0123456789ab", "10.1.0.2")))), Set.of("app"));
    assertEquals(List.of("10.1.0.2"), addresses(named, "dbalias"));
    // run --link db:abcdef123456 web
    PeerNames aliased = PeerNames.of(List.of(attachment(DB_ID, "db", "10.1.0.2", List.of()),
        attachment("web-id", "web", "10.1.0.3", List.of(new HostEntry("abcdef123456", "10.1.0.2"),
            new HostEntry("db", "10.1.0.2"), new HostEntry("0123456789ab", "10.1.0.2")))), Set.of("app"));
    assertEquals(List.of("10.1.0.2"), addresses(aliased, "abcdef123456"));
  }

  @Test
  void aLinkAliasThatIsAnotherContainersIdStandsForTheLinkedOneAlone() {
    // run --link app2:0123456789ab web, where 0123456789ab is db's short id
    PeerNames names = PeerNames.of(List.of(attachment(DB_ID, "db", "10.1.0.2", List.of()),
        attachment("fedcba9876543210", "app2", "10.1.0.4", List.of()),
        attachment("web-id", "web", "10.1.0.3", List.of(new HostEntry("0123456789ab", "10.1.0.4"),
            new HostEntry("app2", "10.1.0.4"), new HostEntry("fedcba987654", "10.1.0.4")))), Set.of("app"));
    assertEquals(List.of("10.1.0.4"), addresses(names, "app2"));
    assertEquals(List.of("10.1.0.4"), addresses(names, "0123456789ab"), "Docker's link alias comes first, alone");
    assertEquals(List.of("10.1.0.2"), addresses(names, "db"));
  }

  @Test
  void anAddHostLineAtAPeersAddressIsLeftToEtcHosts() {
    PeerNames names = PeerNames.of(List.of(attachment("db-id", "db", "10.1.0.2", List.of()),
        attachment("web-id", "web", "10.1.0.3", List.of(new HostEntry("mirror", "10.1.0.2")))), Set.of("app"));
    assertEquals(List.of(), addresses(names, "mirror"));
  }

  @Test
  void aPeersHostNameIsAnsweredAsItsNameIs() {
    PeerNames names = PeerNames.of(List.of(attachment("db-id", "db", "dbhost.example.test", "10.1.0.2", List.of()),
        attachment("web-id", "web", "10.1.0.3", List.of())), Set.of("app"));
    assertEquals(List.of("10.1.0.2"), addresses(names, "dbhost.example.test"), "Docker 27's DNSNames hold Config.Hostname");
    assertEquals(List.of("10.1.0.2"), addresses(names, "db"));
    assertEquals(List.of("10.1.0.2"), addresses(names, "dbhost.example.test.app"));
    assertEquals("db.app", names.pointer(ASKER, "10.1.0.2"), "a reverse query still names the container");
  }

  private static List<String> addresses(PeerNames names, String name) {
    return names.lookup(ASKER, name).stream().map(p -> p.ip().toString()).toList();
  }

  private static AttachmentInfo attachment(String id, String name, String ip, List<HostEntry> hosts) {
    return attachment(id, name, name, ip, hosts);
  }

  private static AttachmentInfo attachment(String id, String name, String hostname, String ip, List<HostEntry> hosts) {
    return new AttachmentInfo("default", id, "app", Mode.BRIDGE, "", false, "eth0", "", "", Ipv4.parse("address", ip),
        null, null, true, "", hostname, "", List.of(name), List.of(), null, hosts, null, Map.of(), null);
  }
}
