package dev.berth.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.transfer.v1.ListTagsRequest;
import berth.transfer.v1.ListTagsResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListTags against Debian's docker-registry on 127.0.0.1: the tags of a repository pushed under
 * three, every page of a list the registry splits with {@code Link} headers, and the refusals.
 */
class RegistryTagsTest {
  private static final TestImage BUSYBOX = TestImages.busybox();

  @TempDir
  Path dir;
  private LoopbackRegistry registry;
  private TransferRig rig;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(LoopbackRegistry.available() && TestImages.busyboxAvailable(), "needs docker-registry and busybox");
    registry = LoopbackRegistry.start(dir.resolve("registry"));
    rig = new TransferRig(dir.resolve("rig"));
    rig.load(BUSYBOX);
    for (String tag : List.of("1", "2", "latest")) {
      rig.push(BUSYBOX.name(), registry.host() + "/team/bb:" + tag);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {rig, registry}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void listsEveryTagOfTheRepository() {
    ListTagsResponse listed = listTags(registry.host() + "/team/bb");
    assertEquals(registry.host() + "/team/bb", listed.getRepository());
    assertEquals(List.of("1", "2", "latest"), listed.getTagsList().stream().sorted().toList());
  }

  @Test
  void followsTheRegistrysLinkHeadersFromPageToPage() throws Exception {
    // distribution 2.8 lists every tag in one page: in front of it, one that serves them one per
    // page, each page naming the next in a Link header relative to itself, as registries that
    // paginate do
    HttpServer pager = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    pager.createContext("/v2/", exchange -> onePagePerTag(exchange, registry.host()));
    pager.start();
    try {
      String repository = "127.0.0.1:" + pager.getAddress().getPort() + "/team/bb";
      assertEquals(listTags(registry.host() + "/team/bb").getTagsList(), listTags(repository).getTagsList());
    } finally {
      pager.stop(0);
    }
  }

  @Test
  void anUnknownRepositoryIsNotFoundInDockersWords() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> listTags(registry.host() + "/team/nosuch"));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("repository " + registry.host() + "/team/nosuch not found: name unknown: repository name not known"
        + " to registry", e.getStatus().getDescription());
  }

  @Test
  void aTagOrDigestInTheNameIsRefused() {
    for (String name : List.of(registry.host() + "/team/bb:1", "busybox@sha256:" + "a".repeat(64), "")) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> listTags(name));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), name);
    }
  }

  private ListTagsResponse listTags(String repository) {
    return rig.transfer.listTags(ListTagsRequest.newBuilder().setRepository(repository).build());
  }

  private static final Pattern LAST = Pattern.compile("(?:^|&)last=([^&]*)");

  /** Answers {@code /v2/NAME/tags/list[?last=T]} with the one tag after T of the registry's list. */
  private static void onePagePerTag(HttpExchange exchange, String registryHost) throws IOException {
    URI asked = exchange.getRequestURI();
    String path = asked.getPath();
    if (!path.endsWith("/tags/list")) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    List<String> all;
    try {
      String listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + registryHost
          + path)).build(), HttpResponse.BodyHandlers.ofString()).body().strip();
      all = List.of(listed.replaceFirst(".*\"tags\":\\[", "").replaceFirst("].*", "").replace("\"", "").split(","));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    Matcher last = LAST.matcher(asked.getRawQuery() == null ? "" : asked.getRawQuery());
    int at = last.find() ? all.indexOf(last.group(1)) + 1 : 0;
    String name = path.substring("/v2/".length(), path.length() - "/tags/list".length());
    byte[] body = ("{\"name\":\"" + name + "\",\"tags\":[\"" + all.get(at) + "\"]}").getBytes(StandardCharsets.UTF_8);
    if (at + 1 < all.size()) {
      exchange.getResponseHeaders().set("Link", "<list?n=1&last=" + all.get(at) + ">; rel=\"next\"");
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
