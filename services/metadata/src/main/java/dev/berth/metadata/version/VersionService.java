package dev.berth.metadata.version;

import com.google.protobuf.Empty;
import containerd.services.version.v1.VersionGrpc;
import containerd.services.version.v1.VersionResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * containerd's Version API: Berth's version and the commit it was built from, as recorded at
 * build time in {@code build.properties} ({@code ctr version} prints both).
 */
public final class VersionService extends VersionGrpc.VersionImplBase {
  private static final String UNKNOWN = "unknown";
  private final VersionResponse answer;

  /** Answers what the build recorded. */
  public VersionService() {
    Properties build = new Properties();
    try (InputStream in = VersionService.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read build.properties", e);
    }
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

  /** A value the build filled in, or "unknown" where it left the placeholder. */
  private static String recorded(Properties build, String key) {
    String value = build.getProperty(key, "").trim();
    return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
  }
}
