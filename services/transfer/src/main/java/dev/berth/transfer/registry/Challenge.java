package dev.berth.transfer.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry's {@code WWW-Authenticate} answer: the scheme it wants (Basic, or Bearer with the
 * token server's realm, service and scope) and its parameters.
 */
record Challenge(String scheme, Map<String, String> parameters) {
  static final String BASIC = "basic";
  static final String BEARER = "bearer";

  private static final Pattern SCHEME = Pattern.compile("^\\s*([A-Za-z][A-Za-z0-9_-]*)\\s*(.*)$", Pattern.DOTALL);
  private static final Pattern PARAMETER = Pattern.compile(
      "\\s*([A-Za-z][A-Za-z0-9_-]*)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))\\s*,?");

  /** The first challenge Berth can answer among the headers, Bearer before Basic. */
  static Optional<Challenge> best(List<String> headers) {
    Challenge basic = null;
    for (String header : headers) {
      Optional<Challenge> c = parse(header);
      if (c.isPresent() && c.get().scheme().equals(BEARER)) {
        return c;
      }
      if (c.isPresent() && c.get().scheme().equals(BASIC)) {
        basic = c.get();
      }
    }
    return Optional.ofNullable(basic);
  }

  static Optional<Challenge> parse(String header) {
    Matcher m = SCHEME.matcher(header);
    if (!m.matches()) {
      return Optional.empty();
    }
    Map<String, String> parameters = new HashMap<>();
    Matcher p = PARAMETER.matcher(m.group(2));
    while (p.lookingAt()) {
      String value = p.group(2) != null ? p.group(2).replaceAll("\\\\(.)", "$1") : p.group(3);
      parameters.put(p.group(1).toLowerCase(Locale.ROOT), value);
      p.region(p.end(), p.regionEnd());
    }
    return Optional.of(new Challenge(m.group(1).toLowerCase(Locale.ROOT), Map.copyOf(parameters)));
  }

  String realm() {
    return parameters.getOrDefault("realm", "");
  }

  String service() {
    return parameters.getOrDefault("service", "");
  }

  String scope() {
    return parameters.getOrDefault("scope", "");
  }
}
