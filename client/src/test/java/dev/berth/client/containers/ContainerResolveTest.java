package dev.berth.client.containers;

import dev.berth.api.labels.ContainerLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import containerd.services.containers.v1.Container;
import dev.berth.client.ClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A container named as docker names it: full id, else name, else a unique id prefix. */
class ContainerResolveTest {
  private final FakeServices.Containers containers = new FakeServices.Containers();
  private InProcessBerth berth;
  private ContainerClient client;

  @BeforeEach
  void start() throws Exception {
    for (String[] c : new String[][] {{"abc123", "web"}, {"abd456", "db"}, {"web", "other"}}) {
      containers.byId.put(c[0], Container.newBuilder().setId(c[0]).putLabels(ContainerLabels.NAME, c[1]).build());
    }
    berth = InProcessBerth.serving(containers);
    client = new ContainerClient(berth.channel());
  }

  @AfterEach
  void close() throws Exception {
    berth.close();
  }

  @Test
  void anIdComesBeforeANameAndANameBeforeAPrefix() {
    assertEquals("web", client.resolve("web").getId());
    assertEquals("abd456", client.resolve("/db").getId());
    assertEquals("abc123", client.resolve("abc").getId());
  }

  @Test
  void anAmbiguousPrefixOrNoMatchIsAClientException() {
    assertEquals("multiple containers have an id starting with ab: give more of it",
        assertThrows(ClientException.class, () -> client.resolve("ab")).getMessage());
    assertEquals("No such container: nothing",
        assertThrows(ClientException.class, () -> client.resolve("nothing")).getMessage());
    assertEquals("No such container: bad name!",
        assertThrows(ClientException.class, () -> client.resolve("bad name!")).getMessage());
  }
}
