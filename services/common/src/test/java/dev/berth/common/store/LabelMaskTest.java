package dev.berth.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelMaskTest {
  private static final Map<String, String> CURRENT = Map.of("a", "1", "b", "2");
  private static final Map<String, String> REQUESTED = Map.of("b", "20", "c", "30", "e", "");

  @Test
  void noPathsOrLabelsReplaceAll() {
    assertEquals(REQUESTED, LabelMask.apply(CURRENT, REQUESTED, List.of()));
    assertEquals(REQUESTED, LabelMask.apply(CURRENT, REQUESTED, List.of("labels")));
  }

  @Test
  void aKeyPathSetsOrRemovesThatKey() {
    assertEquals(Map.of("a", "1", "b", "20"), LabelMask.apply(CURRENT, REQUESTED, List.of("labels.b")));
    assertEquals(Map.of("b", "2"), LabelMask.apply(CURRENT, REQUESTED, List.of("labels.a")));
    assertEquals(Map.of("a", "1", "b", "2", "c", "30"),
        LabelMask.apply(CURRENT, REQUESTED, List.of("labels.c", "labels.e", "target")));
  }

  @Test
  void otherPathsAreRefusedWithOneText() {
    assertTrue(LabelMask.covers("labels.x"));
    assertTrue(!LabelMask.covers("labels."));
    LabelMask.requireOnlyLabels("namespace", "web", List.of("labels", "labels.x"));
    for (String path : List.of("name", "labels.", "annotations.x")) {
      BerthException e = assertThrows(BerthException.class,
          () -> LabelMask.requireOnlyLabels("namespace", "web", List.of("labels.a", path)));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
      assertEquals("cannot update field \"" + path + "\" of namespace \"web\"", e.getMessage());
    }
  }
}
