package dev.berth.metadata.version;

import com.google.protobuf.Empty;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * containerd's Version API: Berth's version and the commit it was built from, as recorded at
 * build time ({@code ctr version} prints both). What else {@code berthctl version} shows of the
 * server, which containerd's API has no message for, the version plugin exports in Introspection
 * ({@link #exports()}).
 */
public final class VersionService extends VersionGrpc.VersionImplBase {
  private static final String UNKNOWN = "unknown";
  private final VersionResponse answer;

  /** Answers what the build recorded. */
  public VersionService() {
    Properties build = build();
    this.answer = VersionResponse.newBuilder()
        .setVersion(recorded(build, "version"))
        .setRevision(recorded(build, "revision"))
        .build();
  }

  @Override
  public void version(Empty request, StreamObserver<VersionResponse> response) {
    response.onNext(answer);
    response.onCompleted();
  }

  /**
   * What Docker's {@code version} shows of its engine besides version and commit: when this build
   * was made (RFC 3339, UTC), the Java runtime serving it, and its OS and architecture in Go's
   * names, as platforms are named in images.
   */
  public static Map<String, String> exports() {
    Map<String, String> exports = new LinkedHashMap<>();
    exports.put("build_time", recorded(build(), "built"));
    exports.put("java_version", System.getProperty("java.version"));
    exports.put("os", "linux");
    exports.put("arch", goArch(System.getProperty("os.arch")));
    return exports;
  }

  private static String goArch(String javaArch) {
    return switch (javaArch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> javaArch;
    };
  }

  /**
   * The version (Maven's, filtered into {@code build.properties}) and the commit and time of the
   * build ({@code commit.properties}, written by {@code scripts/build-info.sh}).
   */
  private static Properties build() {
    Properties build = new Properties();
    for (String name : new String[] {"build.properties", "commit.properties"}) {
      try (InputStream in = VersionService.class.getResourceAsStream(name)) {
        if (in != null) {
          build.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + name, e);
      }
    }
    return build;
  }

  /** A value the build filled in, or "unknown" where it left the placeholder. */
  private static String recorded(Properties build, String key) {
    String value = build.getProperty(key, "").trim();
    return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
  }
}
