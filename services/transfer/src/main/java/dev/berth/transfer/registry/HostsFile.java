package dev.berth.transfer.registry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A registry's {@code certs.d/HOST/hosts.toml}, in containerd's format: {@code server} names the
 * upstream, each {@code [host."URL"]} table a mirror tried before it for what its
 * {@code capabilities} allow ({@code pull}, {@code resolve}, {@code push}; all three when absent).
 * Kubernetes nodes point {@code registry.k8s.io} at a local mirror this way.
 */
record HostsFile(Optional<URI> server, List<Mirror> mirrors) {
  static final String FILE_NAME = "hosts.toml";
  private static final Set<String> ALL_CAPABILITIES = Set.of("pull", "resolve", "push");
  private static final TomlMapper TOML = new TomlMapper();

  /** A mirror endpoint: scheme and authority (the API is at {@code /v2} under it). */
  record Mirror(URI uri, Set<String> capabilities) {}

  /** The endpoint to use: the first mirror able to pull (or push), else the server, else none. */
  Optional<URI> endpoint(boolean push) {
    String needed = push ? "push" : "pull";
    for (Mirror m : mirrors) {
      if (m.capabilities().contains(needed)) {
        return Optional.of(m.uri());
      }
    }
    return server;
  }

  /**
   * Reads {@code file} if it exists.
   *
   * @throws dev.berth.api.grpc.BerthException FAILED_PRECONDITION naming the file when it is not
   *     valid TOML or names an endpoint that is not an http(s) URL
   */
  static Optional<HostsFile> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = TOML.readTree(Files.readAllBytes(file));
      Optional<URI> server = root.hasNonNull("server")
          ? Optional.of(endpoint(file, root.get("server").asText())) : Optional.empty();
      List<Mirror> mirrors = new ArrayList<>();
      JsonNode hosts = root.path("host");
      for (Iterator<Map.Entry<String, JsonNode>> it = hosts.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> host = it.next();
        mirrors.add(new Mirror(endpoint(file, host.getKey()), capabilities(file, host.getValue())));
      }
      return Optional.of(new HostsFile(server, List.copyOf(mirrors)));
    } catch (JacksonException e) {
      throw Errors.failedPrecondition("%s is not valid TOML: %s", file, e.getOriginalMessage());
    } catch (IOException e) {
      throw Errors.failedPrecondition("cannot read %s: %s", file, e.getMessage());
    }
  }

  private static Set<String> capabilities(Path file, JsonNode host) {
    JsonNode list = host.get("capabilities");
    if (list == null) {
      return ALL_CAPABILITIES;
    }
    if (!list.isArray()) {
      throw Errors.failedPrecondition("%s: capabilities must be a list of pull, resolve, push", file);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : list) {
      if (!ALL_CAPABILITIES.contains(c.asText())) {
        throw Errors.failedPrecondition("%s: unknown capability %s (pull, resolve, push)", file, c);
      }
      names.add(c.asText());
    }
    return Set.copyOf(names);
  }

  private static URI endpoint(Path file, String url) {
    try {
      URI uri = new URI(url.contains("://") ? url : "https://" + url);
      if (!uri.getScheme().equals("http") && !uri.getScheme().equals("https") || uri.getHost() == null) {
        throw Errors.failedPrecondition("%s: %s is not an http(s) registry URL", file, url);
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      if (!path.isEmpty() && !path.equals("/") && !path.equals("/v2") && !path.equals("/v2/")) {
        throw Errors.failedPrecondition("%s: %s: Berth serves registries at /v2 only, not under a path prefix",
            file, url);
      }
      return new URI(uri.getScheme(), uri.getRawAuthority(), null, null, null);
    } catch (URISyntaxException e) {
      throw Errors.failedPrecondition("%s: %s is not an http(s) registry URL", file, url);
    }
  }
}
