package dev.berth.api.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FilterTest {
  private static final Filter.Fields BLOB = path -> {
    Map<String, String> labels = Map.of("com.example/app", "web", "tier", "front");
    if (path.size() == 2 && path.get(0).equals("labels")) {
      return Optional.ofNullable(labels.get(path.get(1)));
    }
    if (path.size() == 1) {
      return Optional.ofNullable(Map.of("digest", "sha256:abc", "size", "42").get(path.get(0)));
    }
    return Optional.empty();
  };

  private static boolean matches(String... filters) {
    return Filter.parse(List.of(filters)).matches(BLOB);
  }

  @Test
  void aFieldOfSeveralValuesMatchesWhenOneDoesAndDiffersWhenNoneEquals() {
    Filter.Fields network = new Filter.Fields() {
      @Override
      public Optional<String> get(List<String> path) {
        return values(path).stream().findFirst();
      }

      @Override
      public List<String> values(List<String> path) {
        return path.get(0).equals("subnet") ? List.of("10.1.0.0/24", "10.2.0.0/24") : List.of();
      }
    };
    assertTrue(Filter.parse(List.of("subnet==10.2.0.0/24")).matches(network));
    assertTrue(Filter.parse(List.of("subnet~=^10\\.2\\.")).matches(network));
    assertFalse(Filter.parse(List.of("subnet!=10.2.0.0/24")).matches(network));
    assertTrue(Filter.parse(List.of("subnet!=10.3.0.0/24")).matches(network));
    assertFalse(Filter.parse(List.of("gateway")).matches(network));
  }

  @Test
  void noFilterMatchesEverything() {
    assertTrue(Filter.parse(List.of()).matches(BLOB));
  }

  @Test
  void quotedLabelKeysEqualityAndPresence() {
    assertTrue(matches("labels.\"com.example/app\"==web"));
    assertFalse(matches("labels.\"com.example/app\"==db"));
    assertTrue(matches("labels.tier"));
    assertFalse(matches("labels.missing"));
  }

  @Test
  void aQuotedValueIsReadBackAsItIs() {
    for (String value : List.of("web", "a\"b", "a\\", "a\\\"", "a,b", "a b", "", "/x/")) {
      Filter f = Filter.parse(List.of("labels.tier==" + Filter.quoted(value) + ",size==42"));
      assertTrue(f.matches(path -> Optional.of(path.size() == 2 ? value : "42")), value);
      assertFalse(f.matches(path -> Optional.of(path.size() == 2 ? value + "x" : "42")), value);
    }
  }

  @Test
  void commaMeansAllAndSeveralFiltersMeanAny() {
    assertTrue(matches("digest==sha256:abc,size==42"));
    assertFalse(matches("digest==sha256:abc,size==43"));
    assertTrue(matches("size==43", "labels.tier==front"));
  }

  @Test
  void notEqualAndRegularExpression() {
    assertTrue(matches("size!=41"));
    assertTrue(matches("labels.absent!=x"));
    assertTrue(matches("labels.tier~=^fr"));
    assertTrue(matches("labels.tier~=/fr.nt/"));
    assertFalse(matches("labels.tier~=back"));
  }

  @Test
  void badSyntaxIsInvalidArgument() {
    for (String bad : new String[] {"==x", "labels.\"open", "size==", "size==1 x", "labels.a~=["}) {
      BerthException e = assertThrows(BerthException.class, () -> matches(bad), bad);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    }
  }
}
