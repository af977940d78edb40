package dev.berth.network.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv4Pool;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Ipv6Pool;
import dev.berth.api.network.NetworkInfo;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkStoreTest {
  @TempDir Path dir;

  @Test
  void aNetworkWithSeveralPoolsOfEachFamilyIsKeptAsCreated() throws Exception {
    Subnet first = Subnet.parse("10.30.0.0/30");
    Subnet6 first6 = Subnet6.parse("fd00:a::/64");
    NetworkInfo network = new NetworkInfo("two", "bridge", first, first.firstHost(), "br-two", 1500, true, false,
        Map.of(), Instant.ofEpochSecond(1), false, NetworkInfo.newId(), null, true, first6, first6.firstHost(), false,
        false, null, Map.of("dev", "10.31.0.9"),
        List.of(new Ipv4Pool(Subnet.parse("10.31.0.0/24"), Ipv4.parse("a", "10.31.0.254"),
            Subnet.parseStored("10.31.0.9/32")), new Ipv4Pool(Subnet.parse("10.32.0.0/24"),
            Ipv4.parse("a", "10.32.0.1"), null)),
        List.of(new Ipv6Pool(Subnet6.parse("fd00:b::/64"), Ipv6.parse("a", "fd00:b::99"), null)));
    try (MetadataStore db = MetadataStore.open(dir.resolve("metadata.db"))) {
      new NetworkStore(db).insertNetwork(network);
    }
    try (MetadataStore db = MetadataStore.open(dir.resolve("metadata.db"))) {
      NetworkInfo loaded = new NetworkStore(db).network("two").orElseThrow();
      assertEquals(network, loaded);
      assertEquals(List.of("10.30.0.0/30", "10.31.0.0/24", "10.32.0.0/24"),
          loaded.pools().stream().map(p -> p.subnet().toString()).toList());
      assertEquals(List.of("fd00:a::/64", "fd00:b::/64"),
          loaded.pools6().stream().map(p -> p.subnet().toString()).toList());
    }
  }

  @Test
  void aNetworkStoredBeforeSeveralSubnetsWereKeptLoadsWithOneOfEachFamily() throws Exception {
    Subnet subnet = Subnet.parse("10.40.0.0/24");
    Subnet6 subnet6 = Subnet6.parse("fd00:c::/64");
    NetworkInfo old = new NetworkInfo("old", "bridge", subnet, subnet.firstHost(), "br-old", 1500, true, false,
        Map.of(), Instant.ofEpochSecond(1), false, NetworkInfo.newId(), null, true, subnet6, subnet6.firstHost(),
        false, false, null, Map.of(), List.of(), List.of());
    try (MetadataStore db = MetadataStore.open(dir.resolve("metadata.db"))) {
      new NetworkStore(db).insertNetwork(old);
      // the table as a berthd before this column left it
      db.write(c -> Sql.update(c, "ALTER TABLE network_networks DROP COLUMN more_pools"));
    }
    try (MetadataStore db = MetadataStore.open(dir.resolve("metadata.db"))) {
      NetworkInfo loaded = new NetworkStore(db).network("old").orElseThrow();
      assertEquals(old, loaded);
      assertEquals(1, loaded.pools().size());
      assertEquals(1, loaded.pools6().size());
    }
  }
}
