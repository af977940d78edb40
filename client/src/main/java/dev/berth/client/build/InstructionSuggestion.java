package dev.berth.client.build;

import java.util.Collection;
import java.util.Locale;

/**
 * The {@code (did you mean copy?)} Docker's parser adds to an unknown instruction (buildkit's
 * util/suggest): the instruction nearest to the word in Levenshtein distance, if under 3, in the
 * word's case when it is all upper or all lower case, else in lower case. Where two are as near,
 * Docker's pick depends on a Go map's order; this one takes the first alphabetically.
 */
final class InstructionSuggestion {
  private static final int MAX_DISTANCE = 3;

  private InstructionSuggestion() {}

  /** {@code " (did you mean X?)"}, or "" when no instruction is near enough. */
  static String of(String word, Collection<String> instructions) {
    String lower = word.toLowerCase(Locale.ROOT);
    String nearest = null;
    int least = MAX_DISTANCE;
    for (String instruction : instructions.stream().map(i -> i.toLowerCase(Locale.ROOT)).sorted().toList()) {
      int distance = distance(lower, instruction);
      if (distance < least) {
        nearest = instruction;
        least = distance;
      }
    }
    if (nearest == null) {
      return "";
    }
    String cased = word.equals(word.toUpperCase(Locale.ROOT)) && !word.equals(lower)
        ? nearest.toUpperCase(Locale.ROOT) : nearest;
    return " (did you mean " + cased + "?)";
  }

  /** Insertions, deletions and substitutions of code points, each counting 1. */
  static int distance(String a, String b) {
    int[] x = a.codePoints().toArray();
    int[] y = b.codePoints().toArray();
    int[] previous = new int[y.length + 1];
    int[] current = new int[y.length + 1];
    for (int j = 0; j <= y.length; j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length; i++) {
      current[0] = i;
      for (int j = 1; j <= y.length; j++) {
        int substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[y.length];
  }
}
