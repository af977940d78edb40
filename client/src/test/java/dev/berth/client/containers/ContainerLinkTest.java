package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.InvalidValueException;
import dev.berth.api.labels.HostEntrySpec;
import dev.berth.client.ClientException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerLinkTest {
  @Test
  void theAliasIsTheNameUnlessGiven() {
    assertEquals(new ContainerLink("db", "db"), ContainerLink.parse("db"));
    assertEquals(new ContainerLink("db", "database"), ContainerLink.parse("db:database"));
    assertEquals(new ContainerLink("db", "database"), ContainerLink.parse("/db:/database"), "Docker's slashes");
    for (String bad : List.of("", ":x", "db:", "a:b:c", "db:no_underscore!")) {
      assertThrows(InvalidValueException.class, () -> ContainerLink.parse(bad), bad);
    }
  }

  @Test
  void theNoneNetworkWithoutAddressesIsRefused() {
    List<ContainerLink> links = List.of(ContainerLink.parse("db"));
    ContainerLink.checkNetworkMode(links, "bridge");
    ContainerLink.checkNetworkMode(links, "mynet");
    ContainerLink.checkNetworkMode(List.of(), "none");
    assertThrows(ClientException.class, () -> ContainerLink.checkNetworkMode(links, "none"));
  }

  @Test
  void theLinkedContainersShortIdIsTheLastEntryEvenWhenTheAliasIsIt() {
    String id = "0123456789abcdef0123";
    assertEquals(List.of(new HostEntrySpec("database", "10.1.0.2"), new HostEntrySpec("db", "10.1.0.2"),
        new HostEntrySpec("0123456789ab", "10.1.0.2")),
        ContainerLink.parse("db:database").entries("db", id, "10.1.0.2"));
    assertEquals(List.of(new HostEntrySpec("db", "10.1.0.2"), new HostEntrySpec("0123456789ab", "10.1.0.2")),
        ContainerLink.parse("db:0123456789ab").entries("db", id, "10.1.0.2"));
  }
}
