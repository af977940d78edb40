package dev.berth.client.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.ClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials kept as Docker keeps them: {@code config.json} with an {@code auths} map of
 * registry host to {@code {"auth": base64(user:password)}}, readable by its owner only (0600).
 * The file lives in {@code $BERTH_CONFIG} if set, else {@code $XDG_CONFIG_HOME/berth}, else
 * {@code ~/.config/berth}. Other keys of the file are kept as they are.
 */
public final class RegistryCredentials {
  public static final String FILE_NAME = "config.json";
  /** Docker's key for Docker Hub, read as docker.io so files copied from Docker work. */
  private static final String DOCKER_HUB_LEGACY_KEY = "https://index.docker.io/v1/";

  private final Path file;

  /** Made at first use: a pull with no credentials kept reads no file and needs no mapper (~40 ms cold). */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  public RegistryCredentials(Path file) {
    this.file = file;
  }

  /** The file a user's berthctl reads, from its environment. */
  public static RegistryCredentials forUser(Map<String, String> env) {
    String dir = env.get("BERTH_CONFIG");
    if (dir == null || dir.isEmpty()) {
      String xdg = env.get("XDG_CONFIG_HOME");
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      dir = xdg != null && !xdg.isEmpty() ? Path.of(xdg, "berth").toString() : Path.of(home, ".config", "berth").toString();
    }
    return new RegistryCredentials(Path.of(dir, FILE_NAME));
  }

  public Path file() {
    return file;
  }

  /** A user name and password for one registry. {@link #toString()} shows no password. */
  public record Login(String username, String password) {
    @Override
    public String toString() {
      return "user " + username;
    }
  }

  /** The credentials kept for {@code host}, if any. */
  public Optional<Login> get(String host) {
    JsonNode auths = read().path("auths");
    JsonNode entry = auths.path(host);
    if (entry.isMissingNode() && host.equals("docker.io")) {
      entry = auths.path(DOCKER_HUB_LEGACY_KEY);
    }
    String auth = entry.path("auth").asText("");
    if (auth.isEmpty()) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ClientException("the credentials for " + host + " in " + file + " are not base64");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new ClientException("the credentials for " + host + " in " + file + " are not user:password");
    }
    return Optional.of(new Login(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  /** Keeps {@code login} for {@code host}, replacing what was kept for it. */
  public void put(String host, Login login) {
    ObjectNode config = read();
    ObjectNode auths = config.has("auths") && config.get("auths").isObject() ? (ObjectNode) config.get("auths")
        : config.putObject("auths");
    auths.putObject(host).put("auth", Base64.getEncoder().encodeToString(
        (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8)));
    write(config);
  }

  /** Forgets what was kept for {@code host}; returns whether there was anything. */
  public boolean remove(String host) {
    ObjectNode config = read();
    if (!(config.path("auths") instanceof ObjectNode auths)) {
      return false;
    }
    boolean removed = auths.remove(host) != null;
    if (host.equals("docker.io")) {
      removed |= auths.remove(DOCKER_HUB_LEGACY_KEY) != null;
    }
    if (!removed) {
      return false;
    }
    write(config);
    return true;
  }

  private ObjectNode read() {
    if (!Files.exists(file)) {
      return JsonNodeFactory.instance.objectNode();
    }
    try {
      JsonNode node = Mapper.JSON.readTree(Files.readAllBytes(file));
      if (node instanceof ObjectNode o) {
        return o;
      }
      throw new ClientException(file + " is not a JSON object");
    } catch (IOException e) {
      throw new ClientException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Written to a temporary file of mode 0600 beside it, then moved over it, so no one sees half a file. */
  private void write(ObjectNode config) {
    try {
      Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      Path tmp = Files.createTempFile(file.getParent(), ".config", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(tmp, Mapper.JSON.writeValueAsBytes(config));
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new ClientException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
