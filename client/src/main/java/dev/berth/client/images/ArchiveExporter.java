package dev.berth.client.images;

import dev.berth.api.content.Blobs;
import dev.berth.client.ClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes images as one tar that is both an OCI image layout (oci-layout, index.json naming each
 * image, blobs/sha256/...) and a docker save archive (manifest.json pointing into blobs/, at this
 * platform's manifest), as containerd's exporter does for Docker 27: a multi-platform image
 * brings every platform that is here. Entries are sorted and carry fixed times, so the same
 * images always give the same bytes.
 */
final class ArchiveExporter {
  private static final String BLOBS = "blobs/";
  private static final int DIR_MODE = 0755;
  private static final int BLOB_MODE = 0444;
  private static final int FILE_MODE = 0644;

  private final Blobs content;
  private final ImageResolver resolver;

  ArchiveExporter(Blobs content, ImageResolver resolver) {
    this.content = content;
    this.resolver = resolver;
  }

  /** One record of the archive: a directory, a blob from the store, or bytes made here. */
  private record Entry(String name, int mode, long size, String digest, byte[] bytes) {
    boolean isDirectory() {
      return name.endsWith("/");
    }
  }

  void export(List<Image> images, OutputStream out) throws IOException {
    if (images.isEmpty()) {
      throw new ClientException("no image to export");
    }
    Map<String, Entry> entries = new TreeMap<>();
    List<Descriptor> indexed = new ArrayList<>();
    Map<String, DockerEntryBuilder> docker = new LinkedHashMap<>();
    for (Image image : images) {
      Map<String, String> annotations = new TreeMap<>(image.target().annotations());
      annotations.remove(Descriptor.IMAGE_NAME_ANNOTATION);
      annotations.remove(Descriptor.REF_NAME_ANNOTATION);
      // an image saved by id or digest goes unnamed, as Docker's save strips the name annotations
      if (!image.name().isEmpty()) {
        annotations.put(Descriptor.IMAGE_NAME_ANNOTATION, image.name());
        annotations.put(Descriptor.REF_NAME_ANNOTATION, ImageNames.ociRefName(image.name()));
      }
      indexed.add(image.target().withAnnotations(annotations));

      addPresent(entries, image.target());
      // manifest.json names this platform's manifest, which must be here whole
      ResolvedImage resolved = resolver.resolve(image.target());
      resolved.indexes().forEach(d -> addBlob(entries, d));
      addBlob(entries, resolved.manifestDescriptor());
      addBlob(entries, resolved.config());
      distributable(resolved.layers()).forEach(d -> addBlob(entries, d));
      docker.computeIfAbsent(resolved.manifestDescriptor().digest(), k -> new DockerEntryBuilder(resolved))
          .name(image.name());
    }
    entries.put(BLOBS, new Entry(BLOBS, DIR_MODE, 0, null, null));
    entries.put(BLOBS + "sha256/", new Entry(BLOBS + "sha256/", DIR_MODE, 0, null, null));
    addFile(entries, ArchiveReader.OCI_LAYOUT, BLOB_MODE,
        OciJson.bytes(Map.of("imageLayoutVersion", ArchiveImporter.LAYOUT_VERSION)));
    addFile(entries, ArchiveReader.OCI_INDEX, FILE_MODE,
        OciJson.bytes(new Index(2, MediaTypes.OCI_INDEX, indexed, Map.of())));
    addFile(entries, ArchiveReader.DOCKER_MANIFEST, FILE_MODE,
        OciJson.bytes(docker.values().stream().map(DockerEntryBuilder::build).toList()));
    write(entries.values(), out);
  }

  /**
   * What of {@code target} is here, as containerd's exporter takes it with WithSkipMissing (Docker
   * 27's save): every index here, every manifest here, and a manifest's config and layers when
   * they are all here (only the manifest when some are not); a platform never pulled is left out,
   * not refused. Non-distributable layers are never written, as Docker's save skips them.
   */
  private void addPresent(Map<String, Entry> entries, Descriptor target) {
    ContentHere.walk(content, target, new ContentHere.Visitor() {
      @Override
      public void indexHere(Descriptor index, byte[] bytes) {
        addBlob(entries, index);
      }

      @Override
      public void manifestHere(ContentHere.ManifestHere manifest) {
        addBlob(entries, manifest.descriptor());
        if (manifest.whole()) {
          manifest.blobsHere().forEach(d -> addBlob(entries, d));
        }
      }
    });
  }

  private static List<Descriptor> distributable(List<Descriptor> layers) {
    return layers.stream().filter(l -> !MediaTypes.isNonDistributable(l.mediaType())).toList();
  }

  private static void addBlob(Map<String, Entry> entries, Descriptor d) {
    String path = blobPath(d.digest());
    entries.putIfAbsent(path, new Entry(path, BLOB_MODE, d.size(), d.digest(), null));
  }

  private static void addFile(Map<String, Entry> entries, String name, int mode, byte[] bytes) {
    entries.put(name, new Entry(name, mode, bytes.length, null, bytes));
  }

  private static String blobPath(String digest) {
    int colon = digest.indexOf(':');
    return BLOBS + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
  }

  private void write(Iterable<Entry> entries, OutputStream out) throws IOException {
    // not closed: closing would close the caller's stream
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    for (Entry e : entries) {
      TarArchiveEntry header = new TarArchiveEntry(e.name(), e.isDirectory() ? TarArchiveEntry.LF_DIR
          : TarArchiveEntry.LF_NORMAL);
      header.setMode(e.mode()); // permission bits only, as tar(1) and containerd write them
      header.setModTime(0);
      header.setUserName(""); // not the exporting user's: the same images give the same bytes
      header.setGroupName("");
      header.setSize(e.isDirectory() ? 0 : e.size());
      tar.putArchiveEntry(header);
      if (e.bytes() != null) {
        tar.write(e.bytes());
      } else if (e.digest() != null) {
        long copied = content.copyTo(e.digest(), tar);
        if (copied != e.size()) {
          throw new ClientException("blob " + e.digest() + " holds " + copied + " bytes, its descriptor says "
              + e.size());
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    out.flush();
  }

  /** manifest.json's entry for one manifest, gathering the names it is exported under. */
  private static final class DockerEntryBuilder {
    private final ResolvedImage image;
    private final List<String> repoTags = new ArrayList<>();

    DockerEntryBuilder(ResolvedImage image) {
      this.image = image;
    }

    void name(String name) {
      // docker load reads familiar names; a name Docker cannot parse is left out of RepoTags
      if (ImageNames.isValid(name)) {
        repoTags.add(ImageNames.familiar(ImageNames.normalize(name)));
      }
    }

    DockerManifestEntry build() {
      return new DockerManifestEntry(blobPath(image.config().digest()), repoTags,
          image.layers().stream().map(d -> blobPath(d.digest())).toList());
    }
  }
}
