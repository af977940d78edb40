package dev.berth.client.images;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Image names in Docker's reference grammar. Berth stores full names, as containerd does
 * ({@code docker.io/library/busybox:latest}); people type and read the familiar ones
 * ({@code busybox:latest}).
 */
public final class ImageNames {
  public static final String DEFAULT_DOMAIN = "docker.io";
  /**
   * The repository of an image that has no name, as Docker's daemon with containerd's image store
   * records one ({@code moby-dangling@sha256:…}): listed as {@code <none>}, pruned as dangling.
   */
  public static final String DANGLING_REPOSITORY = "moby-dangling";
  private static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
  private static final String OFFICIAL_PREFIX = "library/";
  private static final String DEFAULT_TAG = "latest";
  private static final int MAX_NAME_LENGTH = 255;

  /** Docker's reference parser's words for a repository path longer than {@value #MAX_NAME_LENGTH}. */
  public static final String NAME_TOO_LONG = "repository name must not be more than " + MAX_NAME_LENGTH + " characters";

  /** A host name or a bracketed IPv6 address ({@code [::1]}), then a port, as in Docker's grammar. */
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
      + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile(
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}");

  private ImageNames() {}

  /**
   * The full name: Docker Hub's domain and {@code library/} added where the name has none, and
   * {@code latest} where it has neither tag nor digest ({@code busybox} becomes
   * {@code docker.io/library/busybox:latest}). A name with a digest keeps only the digest.
   *
   * @throws IllegalArgumentException if {@code reference} is no valid image name
   */
  public static String normalize(String reference) {
    String name = reference;
    String digest = null;
    int at = name.indexOf('@');
    if (at >= 0) {
      digest = name.substring(at + 1);
      name = name.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw invalid(reference, "bad digest");
      }
    }
    String tag = null;
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      tag = name.substring(colon + 1);
      name = name.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(reference, "bad tag");
      }
    }
    String domain = DEFAULT_DOMAIN;
    String path = name;
    int slash = name.indexOf('/');
    if (slash >= 0) {
      String first = name.substring(0, slash);
      // Docker's rule: the first component is a registry if it looks like a host name
      if (first.contains(".") || first.contains(":") || first.equals("localhost")
          || !first.equals(first.toLowerCase(Locale.ROOT))) {
        domain = first.equals(LEGACY_DEFAULT_DOMAIN) ? DEFAULT_DOMAIN : first;
        path = name.substring(slash + 1);
      }
    }
    if (!DOMAIN.matcher(domain).matches()) {
      throw invalid(reference, "bad registry host");
    }
    if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
      path = OFFICIAL_PREFIX + path;
    }
    for (String component : path.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        if (PATH_COMPONENT.matcher(component.toLowerCase(Locale.ROOT)).matches()) {
          // Docker's words for the common mistake
          throw new IllegalArgumentException("invalid reference format: repository name (" + path
              + ") must be lowercase");
        }
        throw invalid(reference, "repository names are lower case letters, digits and separators");
      }
    }
    // Docker's limit is the path's, the host not counted
    if (path.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(NAME_TOO_LONG);
    }
    String repository = domain + "/" + path;
    if (digest != null) {
      return repository + "@" + digest;
    }
    return repository + ":" + (tag == null ? DEFAULT_TAG : tag);
  }

  /** A full name without its tag or digest: {@code docker.io/library/busybox}. */
  public static String repository(String fullName) {
    int at = fullName.indexOf('@');
    String name = at >= 0 ? fullName.substring(0, at) : fullName;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }

  /** Whether {@link #normalize} accepts {@code reference}. */
  public static boolean isValid(String reference) {
    try {
      normalize(reference);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The short form people use for a full name: Docker Hub's domain and {@code library/} left out
   * ({@code docker.io/library/busybox:latest} is {@code busybox:latest}). Other names, including
   * ones that are not full Docker references, are returned unchanged.
   */
  public static String familiar(String name) {
    if (!isValid(name) || !normalize(name).equals(name) || !name.startsWith(DEFAULT_DOMAIN + "/")) {
      return name;
    }
    String rest = name.substring(DEFAULT_DOMAIN.length() + 1);
    if (rest.startsWith(OFFICIAL_PREFIX)) {
      String shorter = rest.substring(OFFICIAL_PREFIX.length());
      int end = endOfRepository(shorter);
      if (shorter.substring(0, end).indexOf('/') < 0) {
        return shorter;
      }
    }
    return rest;
  }

  /** {@link #familiar} for a repository's full name: {@code docker.io/library/busybox} is {@code busybox}. */
  public static String familiarRepository(String fullRepository) {
    return repository(familiar(fullRepository + ":" + DEFAULT_TAG));
  }

  /**
   * The OCI reference name ({@code org.opencontainers.image.ref.name}) of a full name: its tag,
   * or {@code @digest} for a name by digest, as containerd's exporter writes it.
   */
  public static String ociRefName(String name) {
    int at = name.indexOf('@');
    if (at >= 0) {
      return name.substring(at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      return name.substring(colon + 1);
    }
    return name;
  }

  /**
   * The tag written in {@code reference}, also beside a digest ({@code app:1@sha256:…} has
   * {@code 1}), which {@link #normalize} leaves out; null where none is written.
   */
  public static String writtenTag(String reference) {
    int at = reference.indexOf('@');
    String name = at >= 0 ? reference.substring(0, at) : reference;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : null;
  }

  private static int endOfRepository(String name) {
    int at = name.indexOf('@');
    if (at >= 0) {
      return at;
    }
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? colon : name.length();
  }

  private static IllegalArgumentException invalid(String reference, String why) {
    return new IllegalArgumentException("invalid image name \"" + reference + "\": " + why);
  }
}
