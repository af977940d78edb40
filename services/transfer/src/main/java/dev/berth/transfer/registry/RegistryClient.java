package dev.berth.transfer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.Digests;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.MediaTypes;
import io.grpc.Context;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.LongConsumer;

/**
 * One repository of a registry, through the OCI distribution API: manifests fetched and put,
 * blobs fetched (from an offset, to resume), checked for, mounted from another repository of
 * the same registry, and uploaded in one request or in chunks.
 */
public final class RegistryClient {
  /** Manifests and indexes larger than this are refused unread (containerd's limit too). */
  public static final int MAX_MANIFEST_BYTES = 4 << 20;
  /** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size. */
  static final int UPLOAD_CHUNK_BYTES = 16 << 20;
  /** A page of a tag list larger than this is refused unread (a manifest's limit: lists are read whole). */
  static final int MAX_TAG_PAGE_BYTES = MAX_MANIFEST_BYTES;
  /** Pages of a tag list followed at most, so that a registry linking a page to itself ends. */
  static final int MAX_TAG_PAGES = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST,
      MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);

  private final RegistrySession session;
  private final Reference reference;
  private final String scope;

  private RegistryClient(RegistrySession session, Reference reference, String scope) {
    this.session = session;
    this.reference = reference;
    this.scope = scope;
  }

  /** A client for pulling from {@code reference}'s repository. */
  public static RegistryClient forPull(Reference reference, boolean insecure, RegistryHosts hosts, TokenCache tokens,
      Credentials credentials) {
    return new RegistryClient(new RegistrySession(reference.host(), insecure, false, false, hosts, tokens, credentials,
        refusal -> pullRefused(reference, refusal)), reference, "repository:" + reference.repository() + ":pull");
  }

  /** A client for listing the tags of {@code repository}, refused in the words of a refused pull before Docker 27. */
  public static RegistryClient forTags(Reference repository, boolean insecure, RegistryHosts hosts, TokenCache tokens,
      Credentials credentials) {
    return new RegistryClient(new RegistrySession(repository.host(), insecure, false, false, hosts, tokens, credentials,
        refusal -> pullAccessDenied(repository)), repository, "repository:" + repository.repository() + ":pull");
  }

  /**
   * A refused pull in the words of Docker 27's daemon (moby's pullTag over containerd 1.7's
   * resolver and authorizer). Only containerd's ErrInvalidAuthorization gets moby's own words
   * ({@code pull access denied for NAME, repository does not exist or may require 'docker
   * login'}): a bearer challenge naming the registry's error ({@code insufficient_scope}). Every
   * other refusal is containerd's error as moby passes it on, after {@code failed to resolve
   * reference "REF": }: no credentials for a basic challenge ({@code pull access denied, …:
   * authorization failed: no basic auth credentials}); credentials the token server refused
   * ({@code failed to authorize: failed to fetch oauth token: unexpected status from GET request to
   * TOKEN-URL: 401 Unauthorized}, {@code failed to fetch anonymous token: …} for a client without
   * credentials, as containerd's authorizer wraps its anonymous GET); and credentials
   * the registry itself refused ({@code unexpected status from HEAD request to MANIFEST-URL: 401
   * Unauthorized}: containerd resolves a manifest with HEAD where Berth GETs it).
   */
  private static String pullRefused(Reference reference, RegistrySession.Refusal refusal) {
    String resolve = "failed to resolve reference \"" + reference.name() + "\": ";
    if (refusal.tokenServer().isPresent()) {
      RegistrySession.TokenServerRefusal token = refusal.tokenServer().get();
      return resolve + "failed to authorize: " + (refusal.anonymous() ? "failed to fetch anonymous token: "
          : "failed to fetch oauth token: ")
          + unexpectedStatus(token.method(), token.uri(), token.status());
    }
    Optional<Challenge> challenge = refusal.challenge();
    if (challenge.isPresent() && challenge.get().scheme().equals(Challenge.BASIC) && refusal.anonymous()) {
      return resolve + "pull access denied, repository does not exist or may require authorization: authorization"
          + " failed: no basic auth credentials";
    }
    if (challenge.filter(c -> c.scheme().equals(Challenge.BEARER) && !c.parameters().getOrDefault("error", "")
        .isEmpty()).isPresent()) {
      return pullAccessDenied(reference);
    }
    boolean manifest = refusal.uri().getPath().contains("/manifests/");
    return resolve + unexpectedStatus(manifest ? "HEAD" : refusal.call().method(), refusal.uri(), refusal.status());
  }

  /** containerd's ErrUnexpectedStatus as Docker 27 vendors it: the request and the status, not the body. */
  private static String unexpectedStatus(String method, URI uri, int status) {
    return "unexpected status from " + method + " request to " + uri + ": " + status + " " + HttpStatusText.of(status);
  }

  private static String pullAccessDenied(Reference reference) {
    return "pull access denied for " + reference.repositoryName()
        + ", repository does not exist or may require 'berthctl login'";
  }

  /** A client for pushing to {@code reference}'s repository. */
  public static RegistryClient forPush(Reference reference, boolean insecure, RegistryHosts hosts, TokenCache tokens,
      Credentials credentials) {
    return new RegistryClient(new RegistrySession(reference.host(), insecure, true, false, hosts, tokens, credentials,
        refusal -> pushRefused(reference, refusal)), reference, "repository:" + reference.repository() + ":pull,push");
  }

  /**
   * A refused push in the words of Docker 27's daemon (containerd's pusher and authorizer) where
   * it has them: a registry asking for basic auth of a client that has no credentials, and a
   * bearer challenge naming the registry's error ({@code insufficient_scope}: the token does not
   * allow the push); Berth's own otherwise.
   */
  private static String pushRefused(Reference reference, RegistrySession.Refusal refusal) {
    String denied = "push access denied, repository does not exist or may require authorization: ";
    Optional<Challenge> challenge = refusal.challenge().filter(c -> refusal.tokenServer().isEmpty());
    if (challenge.isPresent() && challenge.get().scheme().equals(Challenge.BASIC) && refusal.anonymous()) {
      return denied + "authorization failed: no basic auth credentials";
    }
    String error = challenge.filter(c -> c.scheme().equals(Challenge.BEARER))
        .map(c -> c.parameters().getOrDefault("error", "")).orElse("");
    if (!error.isEmpty()) {
      return denied + "server message: " + error + ": authorization failed";
    }
    return "push access denied for " + reference.repositoryName() + ": not logged in, or not allowed to push there"
        + " (berthctl login " + reference.host() + ")";
  }

  /**
   * Checks {@code credentials} against the registry's API root through its auth flow.
   *
   * @throws dev.berth.api.grpc.BerthException PERMISSION_DENIED if the registry or its token server
   *     refuses them, UNAVAILABLE for any other answer but 200; both in Docker's daemon's words
   */
  public static void login(String host, boolean insecure, RegistryHosts hosts, TokenCache tokens,
      Credentials credentials) {
    RegistrySession session = new RegistrySession(host, insecure, true, true, hosts, tokens, credentials,
        RegistryClient::loginRefused);
    HttpResponse<byte[]> response = session.send(RegistrySession.Call.get("/v2/", Map.of()), "",
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw Errors.unavailable("%s", loginAttemptFailed(response.uri(), response.statusCode()));
    }
  }

  /**
   * A refused login as moby's loginV2 words it: the status of the API root that answered, or,
   * where the token server refused the credentials, its refusal after the request it stopped, as
   * Go's HTTP client names one ({@code Get "https://registry/v2/": unauthorized: …}).
   */
  private static String loginRefused(RegistrySession.Refusal refusal) {
    String method = refusal.call().method();
    return refusal.tokenServer()
        .map(token -> method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT) + " \""
            + refusal.uri() + "\": " + token.error())
        .orElseGet(() -> loginAttemptFailed(refusal.uri(), refusal.status()));
  }

  private static String loginAttemptFailed(URI uri, int status) {
    return "login attempt to " + uri + " failed with status: " + status + " " + HttpStatusText.of(status);
  }

  public Reference reference() {
    return reference;
  }

  /**
   * NOT_FOUND for a manifest the registry does not have, in the words of Docker's daemon (moby's
   * distribution/errors.go), which scripts match: {@code manifest for NAME:TAG not found: manifest
   * unknown: …} or {@code repository NAME not found: name unknown: …}, names in their short form.
   */
  private static BerthException notFound(Reference named, byte[] body) {
    Optional<RegistrySession.RegistryError> error = RegistrySession.firstError(body);
    String code = error.map(RegistrySession.RegistryError::code).orElse("");
    return switch (code) {
      case "MANIFEST_UNKNOWN" -> Errors.notFound("manifest for %s not found: %s", ImageNames.familiar(named.name()),
          error.get());
      case "NAME_UNKNOWN" -> Errors.notFound("repository %s not found: %s",
          ImageNames.repository(ImageNames.familiar(named.name())), error.get());
      default -> Errors.notFound("manifest for %s not found%s", ImageNames.familiar(named.name()),
          error.map(e -> ": " + e).orElse(""));
    };
  }

  /**
   * NOT_FOUND for a repository the registry does not know, in Docker's daemon's words: {@code
   * repository NAME not found: name unknown: …}.
   */
  private BerthException repositoryNotFound(byte[] body) {
    String name = ImageNames.repository(ImageNames.familiar(reference.name()));
    return Errors.notFound("repository %s not found%s", name,
        RegistrySession.firstError(body).map(e -> ": " + e).orElse(""));
  }

  /**
   * The repository's tags in the registry's order, following its {@code Link} headers from page
   * to page as Docker does. {@code pageSize}: the distribution API's {@code n}, 0 to let the
   * registry choose (Docker's way). NOT_FOUND for an unknown repository.
   */
  public List<String> tags(int pageSize) {
    List<String> tags = new ArrayList<>();
    String next = "/v2/" + reference.repository() + "/tags/list" + (pageSize > 0 ? "?n=" + pageSize : "");
    for (int page = 0; next != null; page++) {
      if (Context.current().isCancelled()) {
        throw Status.CANCELLED.withDescription("listing the tags of " + reference.repositoryName() + " was cancelled")
            .asRuntimeException();
      }
      if (page == MAX_TAG_PAGES) {
        throw Errors.failedPrecondition("registry %s lists the tags of %s in more than %d pages", session.host(),
            reference.repositoryName(), MAX_TAG_PAGES);
      }
      HttpResponse<InputStream> response = session.send(RegistrySession.Call.get(next, Map.of()), scope,
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() == 404) {
          throw repositoryNotFound(body.readNBytes(64 << 10));
        }
        if (response.statusCode() != 200) {
          throw unexpected("the tags of " + reference.repositoryName(), response.statusCode(), body);
        }
        byte[] bytes = body.readNBytes(MAX_TAG_PAGE_BYTES + 1);
        if (bytes.length > MAX_TAG_PAGE_BYTES) {
          throw Errors.failedPrecondition("registry %s sent a page of the tags of %s over %d bytes", session.host(),
              reference.repositoryName(), MAX_TAG_PAGE_BYTES);
        }
        JSON.readTree(bytes).path("tags").forEach(tag -> tags.add(tag.asText()));
      } catch (IOException e) {
        throw Errors.unavailable("registry %s: reading the tags of %s failed: %s", session.host(),
            reference.repositoryName(), e.getMessage());
      }
      URI at = response.uri();
      next = response.headers().firstValue("Link").map(link -> nextPage(at, link)).orElse(null);
    }
    return tags;
  }

  /** The page a {@code Link: <URL>; rel="next"} header names, resolved against the page that sent it. */
  private static String nextPage(URI page, String link) {
    String target = link.split(";", 2)[0].trim();
    if (target.startsWith("<") && target.endsWith(">")) {
      target = target.substring(1, target.length() - 1);
    }
    try {
      return page.resolve(target).toString();
    } catch (IllegalArgumentException e) {
      throw Errors.unavailable("registry %s sent a Link header that is no URL: %s", page.getHost(), link);
    }
  }

  /** A manifest or index as the registry serves it: its bytes, media type and digest. */
  public record FetchedManifest(String mediaType, byte[] bytes, String digest) {}

  /**
   * The manifest or index named by a tag or digest of this repository. NOT_FOUND for an unknown
   * repository or object; FAILED_PRECONDITION over {@link #MAX_MANIFEST_BYTES}; DATA_LOSS when
   * bytes asked for by digest do not match it.
   */
  public FetchedManifest manifest(String object) {
    HttpResponse<InputStream> response = session.send(RegistrySession.Call.get(
        "/v2/" + reference.repository() + "/manifests/" + object, Map.of("Accept", ACCEPT)), scope,
        HttpResponse.BodyHandlers.ofInputStream());
    Reference named = reference.withObject(object);
    try (InputStream body = response.body()) {
      if (response.statusCode() == 404) {
        throw notFound(named, body.readNBytes(64 << 10));
      }
      if (response.statusCode() != 200) {
        throw unexpected("manifest " + named, response.statusCode(), body);
      }
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > MAX_MANIFEST_BYTES) {
        throw tooBig(named, declared);
      }
      byte[] bytes = body.readNBytes(MAX_MANIFEST_BYTES + 1);
      if (bytes.length > MAX_MANIFEST_BYTES) {
        throw tooBig(named, bytes.length);
      }
      String digest = Digests.sha256(bytes);
      if (object.contains(":") && !object.equals(digest)) {
        throw Errors.dataLoss("manifest %s from %s has digest %s: refused", object, reference.repositoryName(),
            digest);
      }
      String mediaType = response.headers().firstValue("Content-Type").map(t -> t.replaceFirst(";.*", "").trim())
          .orElse("");
      return new FetchedManifest(mediaType, bytes, digest);
    } catch (IOException e) {
      throw Errors.unavailable("registry %s: reading manifest %s failed: %s", session.host(), named, e.getMessage());
    }
  }

  private static RuntimeException tooBig(Reference named, long size) {
    return Errors.failedPrecondition("manifest %s is %d bytes, more than the %d bytes a manifest may have",
        named, size, MAX_MANIFEST_BYTES);
  }

  /** A blob's bytes from {@code start}, which is 0 where the registry ignored the range asked for. */
  public record BlobStream(BodyBuffers body, long start) implements AutoCloseable {
    @Override
    public void close() {
      body.close();
    }
  }

  /** The blob's bytes from {@code offset} (where the registry serves ranges); NOT_FOUND if it lacks the blob. */
  public BlobStream blob(String digest, long offset) {
    Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
    HttpResponse<BodyBuffers> response = session.send(RegistrySession.Call.get(
        "/v2/" + reference.repository() + "/blobs/" + digest, headers), scope, info -> new BodyBuffers());
    int status = response.statusCode();
    if (status == 206) {
      return new BlobStream(response.body(), offset);
    }
    if (status == 200) {
      return new BlobStream(response.body(), 0);
    }
    try (BodyBuffers body = response.body()) {
      if (status == 416) {
        return blob(digest, 0);
      }
      if (status == 404) {
        throw Errors.notFound("blob %s is not in %s", digest, reference.repositoryName());
      }
      throw Errors.unavailable("registry %s answered HTTP %d for blob %s %s", session.host(), status, digest,
          RegistrySession.errorDetail(body.readUpTo(64 << 10)));
    }
  }

  /** Whether the repository holds the blob (HEAD). */
  public boolean hasBlob(String digest) {
    HttpResponse<Void> response = session.send(new RegistrySession.Call("HEAD",
        "/v2/" + reference.repository() + "/blobs/" + digest, Map.of(), HttpRequest.BodyPublishers.noBody()), scope,
        HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() == 200) {
      return true;
    }
    if (response.statusCode() == 404) {
      return false;
    }
    throw Errors.unavailable("registry %s answered HTTP %d to HEAD blob %s", session.host(), response.statusCode(),
        digest);
  }

  /**
   * Asks the registry to link the blob from {@code fromRepository} (same registry) instead of an
   * upload: empty where it did; else the location of the upload it opened instead, for
   * {@link #upload} to send the blob to (as containerd's pusher does) or {@link #cancelUpload}.
   * A mount refused with 401 (no right to pull the source, where the token server still gave a
   * token) opens an upload without the mount, as containerd's pusher asks again; a refusal whose
   * bearer challenge names the registry's error ({@code insufficient_scope}) fails, as
   * containerd's authorizer stops at a second such answer to the same request.
   *
   * @throws dev.berth.api.grpc.BerthException PERMISSION_DENIED for such a refusal, in
   *     containerd's words ({@code server message: insufficient_scope: authorization failed})
   */
  public Optional<String> mount(String digest, String fromRepository) {
    String mountScope = scope + " repository:" + fromRepository + ":pull";
    HttpResponse<byte[]> response = session.sendAnsweringRefusal(new RegistrySession.Call("POST", "/v2/"
        + reference.repository() + "/blobs/uploads/?mount=" + encode(digest) + "&from=" + encode(fromRepository),
        Map.of(), HttpRequest.BodyPublishers.noBody()), mountScope, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 201) {
      return Optional.empty();
    }
    if (response.statusCode() == 202) {
      return Optional.of(location(response));
    }
    if (response.statusCode() == 401) {
      String error = Challenge.best(response.headers().allValues("WWW-Authenticate"))
          .filter(c -> c.scheme().equals(Challenge.BEARER))
          .map(c -> c.parameters().getOrDefault("error", "")).orElse("");
      if (!error.isEmpty()) {
        throw Errors.permissionDenied("server message: %s: authorization failed", error);
      }
      return Optional.of(startUpload());
    }
    throw Errors.unavailable("registry %s answered HTTP %d to a blob mount %s", session.host(),
        response.statusCode(), RegistrySession.errorDetail(response.body()));
  }

  /**
   * Asks the registry to cancel an upload it opened ({@code DELETE} at its location, the
   * distribution API's cancel), for a refused mount whose blob there is nothing here to send;
   * best effort, as Docker never sends it: a registry that refuses or fails it expires the upload
   * itself. A token registry refuses it for want of the {@code delete} right, which a push's token
   * (pull,push) does not carry and a wider token is not asked for: a user allowed to push need not
   * be allowed to delete.
   */
  public void cancelUpload(String location) {
    try {
      session.send(new RegistrySession.Call("DELETE", location, Map.of(), HttpRequest.BodyPublishers.noBody()),
          scope, HttpResponse.BodyHandlers.discarding());
    } catch (CancellationException e) {
      // the transfer itself was cancelled, not the request
      throw e;
    } catch (RuntimeException ignored) {
      // refused or failed: the upload is left for the registry to expire
    }
  }

  /**
   * Uploads {@code size} bytes of {@code data} as blob {@code digest}: one PUT up to
   * {@link #UPLOAD_CHUNK_BYTES}, PATCH chunks then a closing PUT above. {@code location}: an
   * upload the registry opened already, or null.
   */
  public void upload(String digest, long size, InputStream data, String location, LongConsumer sent)
      throws IOException {
    String at = location != null ? location : startUpload();
    if (size <= UPLOAD_CHUNK_BYTES) {
      byte[] all = data.readNBytes((int) size);
      HttpResponse<byte[]> done = session.send(new RegistrySession.Call("PUT", withDigest(at, digest),
          Map.of("Content-Type", "application/octet-stream"), HttpRequest.BodyPublishers.ofByteArray(all)), scope,
          HttpResponse.BodyHandlers.ofByteArray());
      checkCreated(digest, done);
      sent.accept(all.length);
      return;
    }
    long offset = 0;
    byte[] chunk = new byte[UPLOAD_CHUNK_BYTES];
    while (offset < size) {
      int n = data.readNBytes(chunk, 0, (int) Math.min(chunk.length, size - offset));
      if (n <= 0) {
        throw Errors.dataLoss("blob %s ended after %d of %d bytes in the content store", digest, offset, size);
      }
      HttpResponse<byte[]> patched = session.send(new RegistrySession.Call("PATCH", at, Map.of(
          "Content-Type", "application/octet-stream",
          "Content-Range", offset + "-" + (offset + n - 1)),
          HttpRequest.BodyPublishers.ofByteArray(chunk, 0, n)), scope, HttpResponse.BodyHandlers.ofByteArray());
      if (patched.statusCode() != 202) {
        throw Errors.unavailable("registry %s refused a chunk of blob %s: HTTP %d %s", session.host(), digest,
            patched.statusCode(), RegistrySession.errorDetail(patched.body()));
      }
      at = location(patched);
      offset += n;
      sent.accept(offset);
    }
    checkCreated(digest, session.send(new RegistrySession.Call("PUT", withDigest(at, digest), Map.of(),
        HttpRequest.BodyPublishers.noBody()), scope, HttpResponse.BodyHandlers.ofByteArray()));
  }

  private String startUpload() {
    HttpResponse<byte[]> response = session.send(new RegistrySession.Call("POST",
        "/v2/" + reference.repository() + "/blobs/uploads/", Map.of(), HttpRequest.BodyPublishers.noBody()), scope,
        HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 202) {
      throw Errors.unavailable("registry %s refused an upload to %s: HTTP %d %s", session.host(),
          reference.repositoryName(), response.statusCode(), RegistrySession.errorDetail(response.body()));
    }
    return location(response);
  }

  private void checkCreated(String digest, HttpResponse<byte[]> response) {
    if (response.statusCode() == 400) {
      throw Errors.dataLoss("registry %s refused blob %s: %s", session.host(), digest,
          RegistrySession.errorDetail(response.body()));
    }
    if (response.statusCode() != 201) {
      throw Errors.unavailable("registry %s did not take blob %s: HTTP %d %s", session.host(), digest,
          response.statusCode(), RegistrySession.errorDetail(response.body()));
    }
  }

  /** Puts a manifest or index under a tag or its digest. */
  public void putManifest(String object, String mediaType, byte[] bytes) {
    HttpResponse<byte[]> response = session.send(new RegistrySession.Call("PUT",
        "/v2/" + reference.repository() + "/manifests/" + object, Map.of("Content-Type", mediaType),
        HttpRequest.BodyPublishers.ofByteArray(bytes)), scope, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 201) {
      throw Errors.failedPrecondition("registry %s refused manifest %s for %s: HTTP %d %s", session.host(),
          Digests.sha256(bytes), reference.withObject(object), response.statusCode(),
          RegistrySession.errorDetail(response.body()));
    }
  }

  private String location(HttpResponse<?> response) {
    String location = response.headers().firstValue("Location").orElseThrow(() -> Errors.unavailable(
        "registry %s opened an upload without a Location", session.host()));
    return session.resolve("/").resolve(location).toString();
  }

  private static String withDigest(String location, String digest) {
    return location + (location.contains("?") ? "&" : "?") + "digest=" + encode(digest);
  }

  private RuntimeException unexpected(String what, int status, InputStream body) throws IOException {
    return Errors.unavailable("registry %s answered HTTP %d for %s %s", session.host(), status, what,
        RegistrySession.errorDetail(body.readNBytes(64 << 10)));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
