package dev.berth.ctl.system;

import java.util.Comparator;

/**
 * Strings in natural order, as Docker's CLI sorts them (fvbommel/sortorder's NaturalLess): runs
 * of digits compare as numbers ({@code v2} before {@code v10}), with fewer leading zeros first
 * between equal numbers ({@code 2} before {@code 02}); other characters compare by their code,
 * a digit before any other; a string that is a prefix of another comes first.
 */
final class NaturalOrder implements Comparator<String> {
  static final NaturalOrder INSTANCE = new NaturalOrder();

  private NaturalOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char c = a.charAt(i);
      char d = b.charAt(j);
      boolean digitC = isDigit(c);
      boolean digitD = isDigit(d);
      if (digitC != digitD) {
        return digitC ? -1 : 1;
      }
      if (!digitC) {
        if (c != d) {
          return Character.compare(c, d);
        }
        i++;
        j++;
        continue;
      }
      while (i < a.length() && a.charAt(i) == '0') {
        i++;
      }
      while (j < b.length() && b.charAt(j) == '0') {
        j++;
      }
      int numberA = i;
      int numberB = j;
      while (i < a.length() && isDigit(a.charAt(i))) {
        i++;
      }
      while (j < b.length() && isDigit(b.charAt(j))) {
        j++;
      }
      if (i - numberA != j - numberB) {
        return Integer.compare(i - numberA, j - numberB);
      }
      int digits = a.substring(numberA, i).compareTo(b.substring(numberB, j));
      if (digits != 0) {
        return digits;
      }
      // as many leading zeros is a tie; fewer comes first
      if (numberA != numberB) {
        return Integer.compare(numberA, numberB);
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
