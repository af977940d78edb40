package dev.berth.ctl;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * A build's time as Docker's {@code version} shows it: Go's ANSIC layout ({@code Mon Jan _2
 * 15:04:05 2006}) of the RFC 3339 UTC time the build recorded. Written by hand: {@code version}
 * is a fast path, and java.time's formatters cost its start more than the few lines here.
 */
final class BuildTimes {
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
      "Nov", "Dec"};

  private BuildTimes() {}

  /** {@code 2025-01-22T13:41:48Z} as {@code Wed Jan 22 13:41:48 2025}; anything else as it is, as Docker's. */
  static String ansic(String rfc3339) {
    if (rfc3339.length() != 20 || rfc3339.charAt(10) != 'T' || rfc3339.charAt(19) != 'Z') {
      return rfc3339;
    }
    try {
      LocalDate date = LocalDate.of(Integer.parseInt(rfc3339.substring(0, 4)),
          Integer.parseInt(rfc3339.substring(5, 7)), Integer.parseInt(rfc3339.substring(8, 10)));
      int day = date.getDayOfMonth();
      return DAYS[date.getDayOfWeek().ordinal()] + " " + MONTHS[date.getMonthValue() - 1] + " "
          + (day < 10 ? " " : "") + day + " " + rfc3339.substring(11, 19) + " " + date.getYear();
    } catch (NumberFormatException | DateTimeException e) {
      return rfc3339;
    }
  }
}
