package dev.berth.client.build;

import dev.berth.client.containers.DockerfileWords;
import dev.berth.client.containers.SnapshotDiff;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * COPY and ADD: the sources (from the context, or with {@code --from} an earlier stage or an image,
 * mounted read-only; here-documents as files of their text) copied into a writable snapshot of the
 * stage, which becomes the step's layer.
 * The history names the content by a hash of it ({@link CopyHash}), as Docker's does.
 */
final class CopyStep {
  /**
   * A COPY or ADD read, its sources found and its history named, ready to run (or to be found in
   * the cache); closing unmounts what {@code --from} mounted.
   */
  final class Planned implements AutoCloseable {
    private final FromRootfs from;
    private final CopySource files;
    private final List<CopySource.Found> paths;
    private final InlineFiles inline;
    private final String dest;
    private final String chown;
    private final CopyMode chmod;
    private final boolean add;
    final String createdBy;

    private Planned(FromRootfs from, CopySource files, List<CopySource.Found> paths, InlineFiles inline, String dest,
        String chown, CopyMode chmod, boolean add, String createdBy) {
      this.from = from;
      this.files = files;
      this.paths = paths;
      this.inline = inline;
      this.dest = dest;
      this.chown = chown;
      this.chmod = chmod;
      this.add = add;
      this.createdBy = createdBy;
    }

    /** Copies into a writable snapshot of the stage; the changes as a layer. */
    SnapshotDiff.Layer run(StageState s) throws IOException {
      try (LayerWorkspace workspace = LayerWorkspace.prepare(leased, s.chainId)) {
        int[] owner = chown == null ? new int[] {0, 0} : Owners.of(workspace.dir(), chown);
        FileCopier copier = new FileCopier(workspace.dir(), owner[0], owner[1], chmod, cancellation);
        if (!paths.isEmpty()) {
          copier.copy(files, paths, dest, add);
        }
        if (!inline.found().isEmpty()) {
          // a here-document is a file's text, never an archive to unpack
          copier.copy(inline.source(), inline.found(), dest, false);
        }
        return workspace.diff(ImageBuilder.layerType(s));
      }
    }

    @Override
    public void close() throws IOException {
      try {
        inline.close();
      } finally {
        if (from != null) {
          from.close();
        }
      }
    }
  }

  private final Channel leased;
  private final BaseImages baseImages;
  private final BuildContext context;
  private final List<StageState> done;
  private final Cancellation cancellation;

  CopyStep(Channel leased, BaseImages baseImages, BuildContext context, List<StageState> done,
      Cancellation cancellation) {
    this.leased = leased;
    this.baseImages = baseImages;
    this.context = context;
    this.done = done;
    this.cancellation = cancellation;
  }

  Planned plan(StageState s, Instruction i, char escape) throws IOException {
    Function<String, String> variables = s.variables();
    List<String> words = new ArrayList<>();
    List<Heredoc> heredocs = new ArrayList<>();
    if (i.execForm()) {
      for (String element : i.json()) {
        words.add(DockerfileWords.word(element, escape, variables));
      }
    } else {
      List<String> parts = DockerfileWords.fields(i.arguments());
      for (int n = 0; n < parts.size(); n++) {
        // a source that opens a here-document is a file of its text, named after it, as BuildKit makes it
        Heredoc heredoc = n < parts.size() - 1 ? i.heredoc(parts.get(n)) : null;
        if (heredoc != null) {
          heredocs.add(heredoc);
        } else {
          words.add(DockerfileWords.word(parts.get(n), escape, variables));
        }
      }
    }
    String written = words.get(words.size() - 1);
    String dest = written;
    List<String> sources = words.subList(0, words.size() - 1);
    if (!dest.startsWith("/")) {
      // as Docker's builder: joined to the working directory, cleaned, a trailing slash kept
      String joined = Path.of("/").resolve(s.run().path("WorkingDir").asText("")).resolve(dest).normalize().toString();
      dest = dest.endsWith("/") && !joined.equals("/") ? joined + "/" : joined;
    }
    String chown = i.flags().containsKey("chown") ? DockerfileWords.word(i.flags().get("chown"), escape, variables)
        : null;
    CopyMode chmod = i.flags().containsKey("chmod")
        ? CopyMode.parse(DockerfileWords.word(i.flags().get("chmod"), escape, variables)) : null;
    String from = i.flags().get("from");
    FromRootfs source = from == null || sources.isEmpty() ? null : FromRootfs.open(leased, baseImages, done, from);
    InlineFiles inline = InlineFiles.of(heredocs, variables);
    try {
      CopySource files = source == null ? context.files() : new CopySource(source.dir(), p -> true);
      List<CopySource.Found> paths = new ArrayList<>();
      for (String pattern : sources) {
        List<CopySource.Found> found = files.resolve(pattern);
        // a pattern that matches nothing is no error while another source is there, as Docker's
        if (found.isEmpty() && !CopySource.wildcard(pattern)) {
          // Docker's words (moby v27 builder/remotecontext)
          throw new BuildStepException(i.keyword() + " failed: " + (source == null
              ? "file not found in build context or excluded by .dockerignore: " : "") + "stat " + pattern
              + ": file does not exist", 1);
        }
        paths.addAll(found);
      }
      if (paths.isEmpty() && heredocs.isEmpty()) {
        // Docker's words (moby v27 builder/dockerfile/copy.go)
        throw new BuildStepException(i.keyword() + " failed: no source files were specified", 1);
      }
      if (paths.size() + heredocs.size() > 1 && !dest.endsWith("/")) {
        throw new BuildStepException("When using " + i.keyword() + " with more than one source file, the destination "
            + "must be a directory and end with a /", 1);
      }
      List<String> hashes = new ArrayList<>();
      if (!paths.isEmpty()) {
        hashes.add(CopyHash.of(files, paths));
      }
      if (!heredocs.isEmpty()) {
        hashes.add(CopyHash.of(inline.source(), inline.found()));
      }
      String comment = i.keyword() + " " + (chown == null ? "" : "--chown=" + chown + " ")
          + (chmod == null ? "" : "--chmod=" + chmod + " ") + String.join(" ", hashes) + " in " + written + " ";
      return new Planned(source, files, paths, inline, dest, chown, chmod, i.keyword().equals("ADD"),
          CreatedBy.copy(s.shell(), comment));
    } catch (IOException | RuntimeException e) {
      inline.close();
      if (source != null) {
        source.close();
      }
      throw e;
    }
  }
}
