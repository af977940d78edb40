package dev.berth.transfer.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How to reach each registry host: one HTTP client per host, trusting the system's CAs plus the
 * host's own from {@code certs.d/HOST/*.crt} (Docker's layout), and whether the host may be
 * spoken to in plain HTTP: only insecure registries (those a request names insecure, and loopback
 * addresses, as in Docker) are, first (as {@code ctr --plain-http} does, with no TLS handshake
 * to wait out on a server that never answers one), and over HTTPS once plain HTTP failed on them.
 * A host's {@code certs.d/HOST/hosts.toml} (containerd's format, see {@link HostsFile}) may send its
 * requests to a mirror or another server instead, in the scheme the file names.
 */
public final class RegistryHosts {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
  /** The JDK client's read buffer, a system property it reads once, when its classes load. */
  private static final String BUFFER_PROPERTY = "jdk.httpclient.bufsize";

  static {
    // Its 16 KiB default hands a layer through the client's flow machinery in 16 KiB pieces: 64
    // KiB ones took a tenth off berthd's CPU time for a 200 MB pull (256 KiB ones no more, and
    // they outlived the young generation more often). The JVM's own setting wins.
    if (System.getProperty(BUFFER_PROPERTY) == null) {
      System.setProperty(BUFFER_PROPERTY, Integer.toString(64 << 10));
    }
  }

  private final Path certsDir;
  private final ConcurrentHashMap<String, HttpClient> clients = new ConcurrentHashMap<>();
  /** Insecure hosts found to want TLS after all. */
  private final Set<String> tlsOnly = ConcurrentHashMap.newKeySet();

  /** {@code certsDir}: holds a directory per host ({@code registry:5000}) with CA certificates. */
  public RegistryHosts(Path certsDir) {
    this.certsDir = certsDir;
  }

  HttpClient client(String host) {
    return clients.computeIfAbsent(host, h -> HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        // redirects are followed by hand: credentials must not follow a blob to its storage host
        .followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(sslContext(h))
        .build());
  }

  /**
   * Where {@code host}'s hosts.toml sends pulls (or pushes), if it has one that names an endpoint.
   *
   * @throws dev.berth.api.grpc.BerthException FAILED_PRECONDITION when the file is malformed
   */
  Optional<URI> configuredEndpoint(String host, boolean push) {
    return HostsFile.read(certsDir.resolve(host).resolve(HostsFile.FILE_NAME)).flatMap(f -> f.endpoint(push));
  }

  /** Whether plain HTTP is allowed for {@code host}. */
  static boolean insecure(String host, boolean requested) {
    return requested || loopback(host);
  }

  static boolean loopback(String host) {
    String name = host.startsWith("[") ? host.substring(1, host.indexOf(']'))
        : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
    return name.equals("localhost") || name.startsWith("127.") || name.equals("::1");
  }

  /** The API's base URI for the host: plain HTTP for an insecure one unless it wants TLS, else HTTPS. */
  URI base(String host, boolean insecure) {
    return URI.create((insecure && !tlsOnly.contains(host) ? "http" : "https") + "://" + Reference.endpoint(host));
  }

  /** Remembers that an insecure host did not answer plain HTTP: it gets HTTPS from now on. */
  void wantsTls(String host) {
    tlsOnly.add(host);
  }

  private SSLContext sslContext(String host) {
    try {
      List<X509Certificate> extra = hostCertificates(host);
      SSLContext context = SSLContext.getInstance("TLS");
      if (extra.isEmpty()) {
        context.init(null, null, null);
        return context;
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < extra.size(); i++) {
        store.setCertificateEntry("ca-" + i, extra.get(i));
      }
      context.init(null, new TrustManager[] {new EitherTrustManager(trustManager(null), trustManager(store))}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS for registry " + host + ": " + e.getMessage(), e);
    }
  }

  private List<X509Certificate> hostCertificates(String host) throws IOException, CertificateException {
    List<X509Certificate> certificates = new ArrayList<>();
    Path dir = certsDir.resolve(host);
    if (!Files.isDirectory(dir)) {
      return certificates;
    }
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          for (Certificate c : factory.generateCertificates(in)) {
            certificates.add((X509Certificate) c);
          }
        }
      }
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
    return certificates;
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager m : factory.getTrustManagers()) {
      if (m instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X.509 trust manager");
  }

  /** Trusts a server either the system's CAs or the registry's own CA vouch for. */
  private record EitherTrustManager(X509TrustManager system, X509TrustManager host) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      system.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        host.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        system.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = system.getAcceptedIssuers();
      X509Certificate[] b = host.getAcceptedIssuers();
      X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }
}
