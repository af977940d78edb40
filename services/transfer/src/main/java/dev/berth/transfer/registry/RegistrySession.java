package dev.berth.transfer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * HTTP to one registry host on behalf of one client: requests get the credentials the registry
 * asked for (Basic, or a Bearer token for the request's scope from the registry's token server),
 * redirects are followed without them, and a failure to connect is UNAVAILABLE naming the
 * address. Credentials appear in no message and no log.
 */
final class RegistrySession {
  /** How much of a token server's non-JSON refusal a message quotes. */
  private static final int MAX_REFUSAL_CHARS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REDIRECTS = 5;
  /** Token lifetime when the token server names none (the distribution spec's default). */
  private static final long DEFAULT_TOKEN_SECONDS = 60;
  private static final long MAX_TOKEN_RESPONSE_BYTES = 1 << 20;
  /** A token server's answers to the OAuth POST after which containerd asks again by GET (405 too with a user name). */
  private static final Set<Integer> OAUTH_REFUSALS_RETRIED_BY_GET = Set.of(400, 401, 404);
  private static final int METHOD_NOT_ALLOWED = 405;
  /** The challenge each endpoint (host:port) answered last: sent first instead of waiting for a 401. */
  private static final Map<String, Challenge> CHALLENGES = new ConcurrentHashMap<>();

  private final String host;
  /** The endpoint the host's hosts.toml names, used as given (no HTTPS retry); null: the host itself. */
  private final URI configured;
  private final boolean insecure;
  private final RegistryHosts hosts;
  private final TokenCache tokens;
  private final Credentials credentials;
  /** The message to throw for a request the registry or its token server refused, worded for the action. */
  private final Function<Refusal, String> denied;
  /**
   * Whether tokens are asked for as containerd's authorizer asks for Docker 27's pulls and
   * pushes: any credentials by OAuth POST first (a user's password as the password grant, an
   * identity token as the refresh token), by GET with basic auth after the POST's refusal; moby's
   * login (distribution's token handler) POSTs an identity token only, and GETs with a password.
   */
  private final boolean containerdTokenFlow;

  /**
   * {@code push}: the session pushes (or logs in), so it goes where hosts.toml sends pushes;
   * {@code login}: it checks credentials as Docker's login does.
   */
  RegistrySession(String host, boolean insecure, boolean push, boolean login, RegistryHosts hosts, TokenCache tokens,
      Credentials credentials, Function<Refusal, String> denied) {
    this.containerdTokenFlow = !login;
    this.host = host;
    this.configured = hosts.configuredEndpoint(host, push).orElse(null);
    this.insecure = configured == null && RegistryHosts.insecure(host, insecure);
    this.hosts = hosts;
    this.tokens = tokens;
    this.credentials = credentials;
    this.denied = denied;
  }

  String host() {
    return host;
  }

  /**
   * A request the registry refused: the token scopes it was sent for, the URL that answered and
   * its HTTP status, the challenge of its answer if it had one (a bearer challenge may carry the
   * registry's {@code error}, such as {@code insufficient_scope}), whether the session had
   * credentials to send, and, where the token server refused the credentials rather than the
   * registry, that server's refusal.
   */
  record Refusal(String scope, Call call, URI uri, int status, Optional<Challenge> challenge, boolean anonymous,
      Optional<TokenServerRefusal> tokenServer) {}

  /**
   * A token server's refusal: the request it refused (method and URL, query included), its HTTP
   * status, and its error in Docker's registry client's words ({@code unauthorized: …}).
   */
  record TokenServerRefusal(String method, URI uri, int status, String error) {}

  /** A request to send: method, a path under the API's base or an absolute URI, headers, body. */
  record Call(String method, String pathOrUri, Map<String, String> headers, HttpRequest.BodyPublisher body) {
    static Call get(String path, Map<String, String> headers) {
      return new Call("GET", path, headers, HttpRequest.BodyPublishers.noBody());
    }
  }

  /**
   * Sends {@code call} with credentials for {@code scope} (space-separated token scopes), answering
   * one authentication challenge and following redirects. 401 and 403 after authenticating are
   * PERMISSION_DENIED with {@code denied}'s wording.
   */
  <T> HttpResponse<T> send(Call call, String scope, HttpResponse.BodyHandler<T> handler) {
    return send(call, scope, handler, false);
  }

  /**
   * As {@link #send(Call, String, HttpResponse.BodyHandler)}, but a 401 after authenticating is
   * the answer, for the caller to read its challenge, rather than PERMISSION_DENIED.
   */
  <T> HttpResponse<T> sendAnsweringRefusal(Call call, String scope, HttpResponse.BodyHandler<T> handler) {
    return send(call, scope, handler, true);
  }

  private <T> HttpResponse<T> send(Call call, String scope, HttpResponse.BodyHandler<T> handler,
      boolean refusalIsAnswer) {
    URI uri = resolve(call.pathOrUri());
    boolean challenged = false;
    for (int redirects = 0; ; ) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(call.method(), call.body());
      call.headers().forEach(request::header);
      boolean ours = uri.getAuthority().equals(base().getAuthority());
      if (ours) {
        authorization(call, uri, scope).ifPresent(a -> request.header("Authorization", a));
      }
      HttpResponse<T> response;
      try {
        response = http().send(request.build(), info -> skipsBody(info.statusCode())
            ? HttpResponse.BodySubscribers.replacing(null) : handler.apply(info));
      } catch (SSLException e) {
        throw Errors.unavailable("registry %s at %s: TLS failed: %s", host, uri.getAuthority(), e.getMessage());
      } catch (ConnectException | HttpConnectTimeoutException e) {
        throw Errors.unavailable("registry %s is unreachable at %s: %s", host, uri.getAuthority(),
            whyUnreachable(e, uri.getHost()));
      } catch (InterruptedIOException e) {
        throw new CancellationException("transfer cancelled");
      } catch (IOException e) {
        if (plainFirstTry(call, uri)) {
          hosts.wantsTls(host);
          uri = resolve(call.pathOrUri());
          continue;
        }
        throw Errors.unavailable("registry %s at %s failed: %s", host, uri.getAuthority(),
            e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("transfer cancelled");
      }
      int status = response.statusCode();
      if (status == 400 && plainFirstTry(call, uri) && response.headers().firstValue("Content-Type").isEmpty()) {
        // what Go's TLS servers answer a plain HTTP request with
        closeQuietly(response.body());
        hosts.wantsTls(host);
        uri = resolve(call.pathOrUri());
        continue;
      }
      if (status == 401 && ours && !challenged) {
        challenged = true;
        Refusal unchallenged = new Refusal(scope, call, uri, status, Optional.empty(), credentials.anonymous(),
            Optional.empty());
        Challenge challenge = Challenge.best(response.headers().allValues("WWW-Authenticate"))
            .orElseThrow(() -> refused(unchallenged));
        CHALLENGES.put(base().getAuthority(), challenge);
        forgetToken(scope);
        continue;
      }
      if (status == 401 && refusalIsAnswer) {
        return response;
      }
      if (status == 401 || status == 403) {
        throw refused(new Refusal(scope, call, uri, status,
            Challenge.best(response.headers().allValues("WWW-Authenticate")), credentials.anonymous(),
            Optional.empty()));
      }
      if (isRedirect(status)) {
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isPresent() && redirects++ < MAX_REDIRECTS) {
          uri = uri.resolve(location.get());
          continue;
        }
      }
      return response;
    }
  }

  /** Whether {@code uri} was plain HTTP to an insecure host not known to want TLS: HTTPS may be tried next. */
  private boolean plainFirstTry(Call call, URI uri) {
    return insecure && uri.getScheme().equals("http") && !call.pathOrUri().contains("://");
  }

  private static void closeQuietly(Object body) {
    if (body instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // the answer is dropped anyway
      }
    }
  }

  private URI base() {
    return configured != null ? configured : hosts.base(host, insecure);
  }

  private static boolean skipsBody(int status) {
    return status == 401 || isRedirect(status);
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  HttpClient http() {
    return hosts.client(host);
  }

  URI resolve(String pathOrUri) {
    return pathOrUri.contains("://") ? URI.create(pathOrUri) : base().resolve(pathOrUri);
  }

  private RuntimeException refused(Refusal refusal) {
    return Errors.permissionDenied("%s", denied.apply(refusal));
  }

  /** The Authorization header for {@code call} to {@code uri}, from the challenge the endpoint answered last. */
  private Optional<String> authorization(Call call, URI uri, String scope) {
    Challenge challenge = CHALLENGES.get(base().getAuthority());
    if (challenge == null) {
      return Optional.empty();
    }
    if (challenge.scheme().equals(Challenge.BASIC)) {
      return credentials.anonymous() ? Optional.empty() : Optional.of(credentials.basicHeader());
    }
    return Optional.of("Bearer " + token(challenge, call, uri, scope));
  }

  private String tokenKey(Challenge challenge, String scope) {
    return challenge.realm() + "|" + challenge.service() + "|" + scope + "|" + credentials.cacheKey();
  }

  private void forgetToken(String scope) {
    Challenge challenge = CHALLENGES.get(base().getAuthority());
    if (challenge != null) {
      tokens.remove(tokenKey(challenge, scope));
    }
  }

  /** A token for {@code scope} from the challenge's token server, cached until it expires. */
  private String token(Challenge challenge, Call call, URI uri, String scope) {
    String key = tokenKey(challenge, scope);
    Optional<String> cached = tokens.get(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    if (challenge.realm().isEmpty()) {
      throw Errors.failedPrecondition("registry %s asks for a bearer token but names no token server", host);
    }
    // the parameters in the order of Go's url.Values.Encode (by key), as containerd asks
    String query = Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).map(s -> "scope=" + encode(s) + "&")
        .collect(Collectors.joining()) + "service=" + encode(challenge.service());
    URI get = URI.create(challenge.realm() + (challenge.realm().contains("?") ? "&" : "?") + query);
    HttpRequest sent;
    boolean identity = !credentials.identityToken().isEmpty();
    boolean password = !identity && !credentials.password().isEmpty() && containerdTokenFlow;
    if (identity || password) {
      String grant = identity ? "&grant_type=refresh_token&client_id=berth&refresh_token="
          + encode(credentials.identityToken()) : "&grant_type=password&client_id=berth&username="
          + encode(credentials.username()) + "&password=" + encode(credentials.password());
      sent = HttpRequest.newBuilder(URI.create(challenge.realm()))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(query + grant)).build();
    } else {
      HttpRequest.Builder request = HttpRequest.newBuilder(get);
      if (!credentials.anonymous()) {
        request.header("Authorization", credentials.basicHeader());
      }
      sent = request.build();
    }
    HttpResponse<byte[]> response = tokenRequest(challenge, sent);
    boolean postRefused = OAUTH_REFUSALS_RETRIED_BY_GET.contains(response.statusCode())
        || password && response.statusCode() == METHOD_NOT_ALLOWED;
    if ((identity || password) && containerdTokenFlow && postRefused) {
      // containerd's authorizer: token servers without the OAuth POST answer it 400, 401, 404 or
      // 405 (ACR, Artifactory, GCR); the credentials then go by basic auth, an identity token as
      // its password; any other refusal of the POST is the error, naming the POST
      sent = HttpRequest.newBuilder(get).header("Authorization", identity ? "Basic " + Base64.getEncoder()
          .encodeToString((":" + credentials.identityToken()).getBytes(StandardCharsets.UTF_8))
          : credentials.basicHeader()).build();
      response = tokenRequest(challenge, sent);
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw refused(new Refusal(scope, call, uri, response.statusCode(), Optional.of(challenge),
          credentials.anonymous(), Optional.of(new TokenServerRefusal(sent.method(), sent.uri(), response.statusCode(),
          tokenServerError(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
              response.body())))));
    }
    if (response.statusCode() != 200 || response.body().length > MAX_TOKEN_RESPONSE_BYTES) {
      throw Errors.unavailable("token server of registry %s answered HTTP %d", host, response.statusCode());
    }
    return remember(key, response.body());
  }

  private HttpResponse<byte[]> tokenRequest(Challenge challenge, HttpRequest request) {
    try {
      return http().send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw Errors.unavailable("token server %s of registry %s is unreachable: %s", URI.create(challenge.realm())
          .getAuthority(), host, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("transfer cancelled");
    }
  }

  private String remember(String key, byte[] body) {
    try {
      JsonNode json = JSON.readTree(body);
      String token = json.path("token").asText(json.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw Errors.unavailable("token server of registry %s answered no token", host);
      }
      long expiresIn = json.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS);
      Instant issued = null;
      if (json.hasNonNull("issued_at")) {
        try {
          issued = Instant.parse(json.get("issued_at").asText());
        } catch (DateTimeParseException ignored) {
          // an unreadable issue time: the token counts from now
        }
      }
      tokens.put(key, token, expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_SECONDS, issued);
      return token;
    } catch (IOException e) {
      throw Errors.unavailable("token server of registry %s answered no JSON", host);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The first error of a registry's answer ({@code errors[0]}): its code and message, empty if none. */
  record RegistryError(String code, String message) {
    /** As Docker's errcode prints it: the code in lower case with spaces, then the message. */
    @Override
    public String toString() {
      return code.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + message;
    }
  }

  static java.util.Optional<RegistryError> firstError(byte[] body) {
    try {
      JsonNode first = body == null || body.length == 0 ? null : JSON.readTree(body).path("errors").path(0);
      return first == null || !first.isObject() ? java.util.Optional.empty()
          : java.util.Optional.of(new RegistryError(first.path("code").asText(""), first.path("message").asText("")));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * A token server's refusal as Docker's registry client words it (distribution's
   * HandleErrorResponse): its JSON {@code details} or first {@code errors[]} entry, else its body,
   * after the code the status means ({@code unauthorized: incorrect username or password}).
   */
  static String tokenServerError(int status, String contentType, byte[] body) {
    String code = status == 401 ? "unauthorized" : "denied";
    String text = new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
    if (!contentType.replaceFirst(";.*", "").trim().matches("application/(vnd\\.api\\+)?json")) {
      // an HTML error page could pass the size a gRPC status may carry: its start says enough
      return code + ": " + (text.length() > MAX_REFUSAL_CHARS ? text.substring(0, MAX_REFUSAL_CHARS) + "…" : text);
    }
    try {
      String details = JSON.readTree(text).path("details").asText("");
      if (!details.isEmpty()) {
        return code + ": " + details;
      }
    } catch (IOException unreadable) {
      // as a body without errors
    }
    // Docker's words for a 401 whose body says nothing it can read
    return firstError(body).map(RegistryError::toString)
        .orElse(status == 401 ? code + ": authentication required" : code + ": " + text);
  }

  /** The registry's own words for a failure ({@code errors[].code: message}), for error messages. */
  static String errorDetail(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      List<String> parts = new java.util.ArrayList<>();
      errors.forEach(e -> parts.add(e.path("code").asText("") + ": " + e.path("message").asText("")));
      return String.join("; ", parts);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Why a connection to {@code hostName} failed, in the words of Go's resolver and dialer that
   * Docker's and containerd's users know; the JDK's client says it only through the cause's type.
   */
  static String whyUnreachable(IOException e, String hostName) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException) {
        return "lookup " + hostName + ": no such host";
      }
      if (t instanceof ClosedChannelException) {
        // the JDK's client closes the channel the refused connect was made on
        return "connect: connection refused";
      }
      if (t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }
}
