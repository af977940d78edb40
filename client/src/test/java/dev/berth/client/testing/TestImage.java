package dev.berth.client.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.Platform;
import dev.berth.api.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An image built in memory for tests, written as either archive format people have: a
 * {@code docker save} archive (uncompressed layers, Docker's legacy layout) or an OCI image layout
 * (gzip layers). Both describe the same layers and config, so they unpack to the same snapshots;
 * every byte is fixed, so digests are the same in every run on the same host.
 */
public final class TestImage {
  /** Keys sorted: Map.of iterates in an order that changes from run to run. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final String name;
  private final List<byte[]> layers;
  private final List<String> cmd;
  private final List<String> env;
  private final RunDefaults run;
  private final List<String> diffIds;
  private final byte[] config;

  /** Config fields written only when set, so images that leave them out keep their bytes. */
  private record RunDefaults(List<String> entrypoint, String workingDir, String user, List<String> volumes) {}

  private TestImage(String name, List<byte[]> layers, List<String> cmd, List<String> env, RunDefaults run) {
    this.name = ImageNames.normalize(name);
    this.layers = List.copyOf(layers);
    this.cmd = List.copyOf(cmd);
    this.env = List.copyOf(env);
    this.run = run;
    this.diffIds = layers.stream().map(Digests::sha256).toList();
    this.config = json(configJson());
  }

  /** An image to be named {@code name} (normalized: {@code busybox} is {@code docker.io/library/busybox:latest}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The same image under another name. */
  public TestImage named(String newName) {
    return new TestImage(newName, layers, cmd, env, run);
  }

  /** The full name the archives give the image, e.g. {@code docker.io/library/busybox:latest}. */
  public String name() {
    return name;
  }

  /** The name as docker save writes it in RepoTags, e.g. {@code busybox:latest}. */
  public String familiarName() {
    return ImageNames.familiar(name);
  }

  /** The layers as uncompressed tars, bottom first. */
  public List<byte[]> layers() {
    return layers;
  }

  /** The digests of the uncompressed layers, bottom first. */
  public List<String> diffIds() {
    return diffIds;
  }

  /**
   * The chain ID of each layer stack, bottom first, computed here from the OCI image spec's
   * definition: the snapshot names an unpack must produce.
   */
  public List<String> chainIds() {
    List<String> chain = new ArrayList<>();
    for (String diffId : diffIds) {
      chain.add(chain.isEmpty() ? diffId
          : Digests.sha256((chain.get(chain.size() - 1) + " " + diffId).getBytes(StandardCharsets.UTF_8)));
    }
    return chain;
  }

  /** The chain ID of all layers: the snapshot to use as a container's parent. */
  public String topChainId() {
    List<String> chain = chainIds();
    return chain.get(chain.size() - 1);
  }

  public byte[] config() {
    return config.clone();
  }

  public String configDigest() {
    return Digests.sha256(config);
  }

  /** The archive {@code docker save} writes (before Docker 25): {@code <id>/layer.tar}, config, manifest.json, repositories. */
  public byte[] dockerArchive() {
    ArchiveWriter archive = new ArchiveWriter();
    List<String> layerPaths = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      String id = hex(diffIds.get(i));
      archive.dir(id + "/");
      archive.file(id + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
      archive.file(id + "/json", json(Map.of("id", id)));
      archive.file(id + "/layer.tar", layers.get(i));
      layerPaths.add(id + "/layer.tar");
    }
    String configPath = hex(configDigest()) + ".json";
    archive.file(configPath, config);
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("Config", configPath);
    entry.put("RepoTags", List.of(familiarName()));
    entry.put("Layers", layerPaths);
    archive.file("manifest.json", json(List.of(entry)));
    int colon = familiarName().lastIndexOf(':');
    archive.file("repositories", json(Map.of(familiarName().substring(0, colon),
        Map.of(familiarName().substring(colon + 1), hex(diffIds.get(diffIds.size() - 1))))));
    return archive.finish();
  }

  /** An OCI image layout archive: gzip layers, an OCI manifest, index.json naming the image. */
  public byte[] ociArchive() {
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    byte[] manifest = ociManifest(blobs);
    return ociLayout(blobs, name, descriptor(MediaTypes.OCI_MANIFEST, manifest, Map.of()));
  }

  /**
   * An OCI image layout archive of one multi-platform image named {@code name}, as a save of it
   * is: index.json naming an image index that lists each image's manifest for its platform
   * ({@code os/architecture}), with every image's blobs.
   */
  public static byte[] multiPlatformOciArchive(String name, Map<String, TestImage> byPlatform) {
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (Map.Entry<String, TestImage> e : byPlatform.entrySet()) {
      Map<String, Object> d = descriptor(MediaTypes.OCI_MANIFEST, e.getValue().ociManifest(blobs), Map.of());
      String[] platform = e.getKey().split("/");
      d.put("platform", Map.of("os", platform[0], "architecture", platform[1]));
      manifests.add(d);
    }
    byte[] index = json(Map.of("schemaVersion", 2, "mediaType", MediaTypes.OCI_INDEX, "manifests", manifests));
    blobs.put(Digests.sha256(index), index);
    return ociLayout(blobs, ImageNames.normalize(name), descriptor(MediaTypes.OCI_INDEX, index, Map.of()));
  }

  /** Adds this image's config, gzip layers and OCI manifest to {@code blobs} (by digest) and returns the manifest. */
  private byte[] ociManifest(Map<String, byte[]> blobs) {
    List<Map<String, Object>> layerDescriptors = new ArrayList<>();
    blobs.put(Digests.sha256(config), config);
    for (byte[] layer : layers) {
      byte[] gzipped = gzip(layer);
      blobs.put(Digests.sha256(gzipped), gzipped);
      layerDescriptors.add(descriptor(MediaTypes.OCI_LAYER_GZIP, gzipped, Map.of()));
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("config", descriptor(MediaTypes.OCI_CONFIG, config, Map.of()));
    manifest.put("layers", layerDescriptors);
    byte[] manifestBytes = json(manifest);
    blobs.put(Digests.sha256(manifestBytes), manifestBytes);
    return manifestBytes;
  }

  /** An OCI image layout of {@code blobs} whose index.json names {@code target} {@code imageName}. */
  private static byte[] ociLayout(Map<String, byte[]> blobs, String imageName, Map<String, Object> target) {
    ArchiveWriter archive = new ArchiveWriter();
    archive.file("oci-layout", json(Map.of("imageLayoutVersion", "1.0.0")));
    target.put("annotations", new TreeMap<>(Map.of("io.containerd.image.name", imageName,
        "org.opencontainers.image.ref.name", ImageNames.ociRefName(imageName))));
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", List.of(target));
    archive.file("index.json", json(index));
    archive.dir("blobs/");
    archive.dir("blobs/sha256/");
    blobs.forEach((digest, blob) -> archive.file("blobs/sha256/" + hex(digest), blob));
    return archive.finish();
  }

  public Path writeDockerArchive(Path file) {
    return write(file, dockerArchive());
  }

  public Path writeOciArchive(Path file) {
    return write(file, ociArchive());
  }

  /** {@code archive} gzip-compressed, as {@code docker save | gzip} makes it. */
  public static byte[] gzip(byte[] archive) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(archive);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private Map<String, Object> configJson() {
    Map<String, Object> runConfig = new LinkedHashMap<>();
    runConfig.put("Env", env);
    runConfig.put("Cmd", cmd);
    if (run.entrypoint() != null) {
      runConfig.put("Entrypoint", run.entrypoint());
    }
    if (run.workingDir() != null) {
      runConfig.put("WorkingDir", run.workingDir());
    }
    if (run.user() != null) {
      runConfig.put("User", run.user());
    }
    if (!run.volumes().isEmpty()) {
      Map<String, Object> volumes = new LinkedHashMap<>();
      run.volumes().forEach(v -> volumes.put(v, Map.of()));
      runConfig.put("Volumes", volumes);
    }
    List<Map<String, Object>> history = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      history.add(Map.of("created", TestLayer.MTIME.toString(), "created_by", "berth TestImages layer " + i));
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architecture", Platform.current().architecture());
    c.put("config", runConfig);
    c.put("created", TestLayer.MTIME.toString());
    c.put("history", history);
    c.put("os", "linux");
    c.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
    return c;
  }

  private static Map<String, Object> descriptor(String mediaType, byte[] blob, Map<String, String> annotations) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("mediaType", mediaType);
    d.put("digest", Digests.sha256(blob));
    d.put("size", blob.length);
    if (!annotations.isEmpty()) {
      d.put("annotations", new TreeMap<>(annotations));
    }
    return d;
  }

  private static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path write(Path file, byte[] bytes) {
    try {
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tar of archive files, fixed times and owners. */
  private static final class ArchiveWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    void dir(String path) {
      put(new TarArchiveEntry(path, TarArchiveEntry.LF_DIR), null);
    }

    void file(String path, byte[] content) {
      TarArchiveEntry entry = new TarArchiveEntry(path, TarArchiveEntry.LF_NORMAL);
      entry.setSize(content.length);
      put(entry, content);
    }

    private void put(TarArchiveEntry entry, byte[] content) {
      entry.setModTime(TestLayer.MTIME.toEpochMilli());
      entry.setIds(0, 0);
      entry.setUserName("");
      entry.setGroupName("");
      try {
        tar.putArchiveEntry(entry);
        if (content != null) {
          tar.write(content);
        }
        tar.closeArchiveEntry();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    byte[] finish() {
      try {
        tar.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }

  /** Builds a {@link TestImage}: layers bottom first, and what the config runs. */
  public static final class Builder {
    private final String name;
    private final List<byte[]> layers = new ArrayList<>();
    private List<String> cmd = List.of("sh");
    private List<String> env = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    private List<String> entrypoint;
    private String workingDir;
    private String user;
    private List<String> volumes = List.of();

    private Builder(String name) {
      this.name = name;
    }

    public Builder layer(TestLayer layer) {
      layers.add(layer.tar());
      return this;
    }

    /** The config's {@code Cmd}; {@code sh} unless set. */
    public Builder cmd(String... cmd) {
      this.cmd = List.of(cmd);
      return this;
    }

    /** The config's {@code Env}; a standard PATH unless set. */
    public Builder env(String... env) {
      this.env = List.of(env);
      return this;
    }

    /** The config's {@code Entrypoint}; none unless set. */
    public Builder entrypoint(String... entrypoint) {
      this.entrypoint = List.of(entrypoint);
      return this;
    }

    /** The config's {@code WorkingDir}; none unless set. */
    public Builder workingDir(String workingDir) {
      this.workingDir = workingDir;
      return this;
    }

    /** The config's {@code User}; none unless set. */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /** The config's {@code Volumes}: Dockerfile {@code VOLUME}s; none unless set. */
    public Builder volumes(String... volumes) {
      this.volumes = List.of(volumes);
      return this;
    }

    public TestImage build() {
      if (layers.isEmpty()) {
        throw new IllegalStateException("a test image needs at least one layer");
      }
      return new TestImage(name, layers, cmd, env, new RunDefaults(entrypoint, workingDir, user, volumes));
    }
  }
}
