package dev.berth.client.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.Digests;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainIdsTest {
  private static final String A = Digests.sha256("a".getBytes(StandardCharsets.UTF_8));
  private static final String B = Digests.sha256("b".getBytes(StandardCharsets.UTF_8));
  private static final String C = Digests.sha256("c".getBytes(StandardCharsets.UTF_8));

  @Test
  void firstIsTheDiffIdThenEachHashesThePreviousSpaceAndTheNext() {
    String ab = Digests.sha256((A + " " + B).getBytes(StandardCharsets.UTF_8));
    String abc = Digests.sha256((ab + " " + C).getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(A, ab, abc), ChainIds.of(List.of(A, B, C)));
    assertEquals(abc, ChainIds.top(List.of(A, B, C)));
    assertEquals(A, ChainIds.top(List.of(A)));
  }

  @Test
  void noLayersHaveNoChainId() {
    assertEquals(List.of(), ChainIds.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> ChainIds.top(List.of()));
  }
}
