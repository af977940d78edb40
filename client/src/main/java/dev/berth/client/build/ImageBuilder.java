package dev.berth.client.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.images.v1.ImagesGrpc;
import dev.berth.api.Digests;
import dev.berth.api.InvalidValueException;
import dev.berth.api.content.Blobs;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.DockerfileWords;
import dev.berth.client.containers.ImageAssembly;
import dev.berth.client.containers.ImageChanges;
import dev.berth.client.containers.SnapshotDiff;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImageRecords;
import dev.berth.client.images.LayerGate;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.client.images.Platform;
import dev.berth.client.images.ResolvedImage;
import dev.berth.client.images.UnpackListener;
import dev.berth.client.leases.RenewingLease;
import dev.berth.client.spec.RootfsFiles;
import io.grpc.Channel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds an image from a Dockerfile as Docker's legacy builder does ({@code DOCKER_BUILDKIT=0 docker
 * build}), printing what it prints: each step, the ids it makes, RUN's output. A stage's state is
 * kept as blobs under the build's lease (config and manifest after each step, a layer per RUN, COPY,
 * ADD and WORKDIR that changed files), each step's manifest kept by the {@link BuildCache};
 * RUN's container starts from an image record that names the stage's state for the moment and
 * goes at the end, also when the build fails or is cancelled. The only images are the final one, under each name asked for.
 */
public final class ImageBuilder {
  /** How long what a killed build made outlives it, before the garbage collector takes it. */
  public static final Duration LEASE_EXPIRY = Duration.ofMinutes(5);
  /** The diff ID of a layer without changes (1024 zero bytes): Docker's builder adds no layer for it. */
  private static final String EMPTY_LAYER = Digests.sha256(new byte[1024]);
  /** Docker's predefined build args: usable without ARG, never in history nor warned of. */
  private static final Set<String> PROXY_ARGS = Set.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
      "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

  private final Channel channel;
  private final String namespace;
  private final BaseImages baseImages;
  private final PrintStream out;
  private final Cancellation cancellation = new Cancellation();

  /**
   * @param channel carries {@code namespace}
   * @param out where the build's output goes, RUN's included
   */
  public ImageBuilder(Channel channel, String namespace, BaseImages baseImages, PrintStream out) {
    this.channel = channel;
    this.namespace = namespace;
    this.baseImages = baseImages;
    this.out = out;
  }

  /** What one build needs as it goes. */
  private final class Build {
    final Dockerfile dockerfile;
    final BuildContext context;
    final BuildOptions options;
    final Channel leased;
    final ImageClient images;
    final Blobs blobs;
    final BuildCache cache;
    final String record = "berthctl-build/" + ContainerClient.newId().substring(0, 12) + ":run";
    final List<StageState> done = new ArrayList<>();
    final Map<String, String> metaArgs = new HashMap<>();
    final Set<String> consumed = new LinkedHashSet<>();
    /** On what the build makes that outlives it should berthctl die: see {@link BuildLeftovers}. */
    final Map<String, String> leftoverLabels;
    boolean recordMade;

    Build(Dockerfile dockerfile, BuildContext context, BuildOptions options, Channel leased,
        Map<String, String> leftoverLabels) {
      this.leftoverLabels = leftoverLabels;
      this.dockerfile = dockerfile;
      this.context = context;
      this.options = options;
      this.leased = leased;
      this.images = new ImageClient(leased);
      this.blobs = Blobs.on(leased);
      this.cache = new BuildCache(leased);
    }
  }

  /**
   * Builds the image, tags it with every name asked for and returns its id (its manifest's digest).
   *
   * @throws DockerfileException for what is refused before the first step
   * @throws BuildStepException for a step that failed
   */
  public String build(Dockerfile dockerfile, BuildContext context, BuildOptions options)
      throws IOException, InterruptedException {
    BuildPlan plan = BuildPlan.of(dockerfile, options);
    // what builds killed before they could clean up left, as Docker's daemon cancels a build its client left
    BuildLeftovers.remove(channel);
    String buildId = BuildLeftovers.newBuildId();
    try (RenewingLease lease = RenewingLease.create(channel, LEASE_EXPIRY,
        Map.of(BuildLeftovers.BUILD_LABEL, buildId))) {
      Build b = new Build(dockerfile, context, options, lease.channel(), BuildLeftovers.labels(buildId));
      try {
        return run(b, plan);
      } finally {
        if (b.recordMade) {
          b.images.remove(b.record);
        }
      }
    } finally {
      cancellation.finished();
    }
  }

  /**
   * Cancels the build under way from another thread (berthctl's on SIGINT or SIGTERM): a RUN's
   * container is killed, no further step starts, and what the build made goes as when a step
   * fails. Whether that was done within {@code wait}; if not, what is left is under the build's
   * lease, which expires within {@link #LEASE_EXPIRY}.
   */
  public boolean cancel(Duration wait) throws InterruptedException {
    return cancellation.cancel(wait);
  }

  /** Whether {@link #cancel} was called. */
  public boolean cancelled() {
    return cancellation.isCancelled();
  }

  private String run(Build b, BuildPlan plan) throws IOException, InterruptedException {
    b.dockerfile.warnings().forEach(out::println);
    int step = 0;
    for (Instruction arg : plan.metaArgs()) {
      printStep(++step, plan, arg);
      for (String word : words(b, arg, b.metaArgs::get)) {
        int eq = word.indexOf('=');
        String name = eq < 0 ? word : word.substring(0, eq);
        b.consumed.add(name);
        String value = b.options.buildArgs().get(name);
        b.metaArgs.put(name, value != null ? value : eq < 0 ? null : word.substring(eq + 1));
      }
    }
    StageState state = null;
    for (List<Instruction> stage : plan.stages()) {
      checkStageName(b, stage.get(0));
      printStep(++step, plan, stage.get(0));
      state = from(b, stage.get(0));
      triggers(b, state);
      out.println(" ---> " + shortId(state.imageId));
      for (Instruction i : stage.subList(1, stage.size())) {
        printStep(++step, plan, i);
        step(b, state, i);
        // a cancel that came while the step's layer was made: the step's result is not taken
        cancellation.check();
        out.println(" ---> " + shortId(state.imageId));
      }
      b.done.add(state);
    }
    if (state == null || state.imageId.isEmpty()) {
      throw new BuildStepException("No image was generated. Is your Dockerfile empty?", 1);
    }
    Descriptor target = state.target;
    if (!state.layers.isEmpty()) {
      // the final config gets the label that keeps the unpacked snapshots from the garbage collector
      b.images.unpackTarget(target, Platform.current(), ContainerClient.SNAPSHOTTER, UnpackListener.NONE,
          LayerGate.OPEN);
    }
    List<String> unused = b.options.buildArgs().keySet().stream()
        .filter(k -> !b.consumed.contains(k) && !PROXY_ARGS.contains(k)).sorted().toList();
    if (!unused.isEmpty()) {
      // Docker's words (moby v27 builder/dockerfile/builder.go)
      out.println("[Warning] One or more build-args " + CreatedBy.plain(unused) + " were not consumed");
    }
    // nothing named after a cancel, however late it came
    cancellation.check();
    out.println("Successfully built " + shortId(state.imageId));
    ImagesGrpc.ImagesBlockingStub records = ImagesGrpc.newBlockingStub(b.leased);
    if (b.options.tags().isEmpty()) {
      b.images.keepUntagged(target);
    }
    for (String tag : b.options.tags()) {
      String name = ImageNames.normalize(tag);
      ImageRecords.createOrRetarget(records, new Image(name, target, Map.of(), null, null));
      out.println("Successfully tagged " + ImageNames.familiar(name));
    }
    return state.imageId;
  }

  /** Docker's builder refuses a stage name an earlier stage has when it comes to the stage, not before. */
  private static void checkStageName(Build b, Instruction from) {
    // the name as written: Docker's builder checks it before the step, and substitutes nothing in it
    List<String> words = DockerfileWords.split(from.arguments(), b.dockerfile.escape(), null);
    String name = words.size() == 3 ? words.get(2).toLowerCase(Locale.ROOT) : null;
    if (name != null && b.done.stream().anyMatch(earlier -> name.equals(earlier.name))) {
      // Docker's words (moby v27 builder/dockerfile/evaluator.go)
      throw new BuildStepException(name + " stage name already used", 1);
    }
  }

  private void printStep(int step, BuildPlan plan, Instruction i) {
    cancellation.check();
    out.println("Step " + step + "/" + plan.steps() + " : " + i.original());
  }

  /** Docker's 12-character id, without the algorithm. */
  static String shortId(String id) {
    String hex = id.startsWith(Digests.SHA256_PREFIX) ? id.substring(Digests.SHA256_PREFIX.length()) : id;
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }

  private StageState from(Build b, Instruction i) {
    List<String> words = words(b, i, b.metaArgs::get);
    String reference = words.get(0);
    String name = words.size() == 3 ? words.get(2).toLowerCase(Locale.ROOT) : null;
    for (StageState earlier : b.done) {
      if (earlier.name != null && earlier.name.equals(reference.toLowerCase(Locale.ROOT))) {
        return earlier.from(name);
      }
    }
    if (reference.equals("scratch")) {
      Platform p = Platform.current();
      ObjectNode config = JsonNodeFactory.instance.objectNode();
      config.put("architecture", p.architecture()).put("os", p.os());
      if (p.variant() != null && !p.variant().isEmpty()) {
        config.put("variant", p.variant());
      }
      config.putObject("config");
      config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
      return new StageState(name, config, List.of(), true, "", "", null);
    }
    Image base = baseImages.find(reference);
    ResolvedImage resolved = b.images.content(base);
    ObjectNode config = (ObjectNode) OciJson.tree(b.images.configBlob(base), "config of " + reference);
    String chainId = new ContainerClient(b.leased).unpacked(base);
    return new StageState(name, config, resolved.layers(),
        resolved.manifestDescriptor().mediaType().equals(MediaTypes.DOCKER_MANIFEST), chainId,
        base.target().digest(), base.target());
  }

  /** The base image's ONBUILD instructions, run as Docker runs them right after FROM, then dropped. */
  private void triggers(Build b, StageState s) throws IOException, InterruptedException {
    JsonNode onBuild = s.run().path("OnBuild");
    if (!onBuild.isArray() || onBuild.isEmpty()) {
      return;
    }
    List<String> expressions = new ArrayList<>();
    onBuild.forEach(t -> expressions.add(t.asText()));
    s.run().remove("OnBuild");
    out.println("# Executing " + expressions.size() + " build trigger" + (expressions.size() > 1 ? "s" : ""));
    for (String expression : expressions) {
      List<Instruction> trigger;
      try {
        trigger = DockerfileParser.parse(expression).instructions();
        trigger.forEach(BuildPlan::check);
      } catch (DockerfileException e) {
        // read after the output began, and not a line of this Dockerfile: bare, as Docker's builder prints it
        throw new BuildStepException(e.reason(), 1);
      }
      for (Instruction i : trigger) {
        step(b, s, i);
      }
    }
  }

  /** A step of the Dockerfile or of a base image's ONBUILD triggers. */
  private void step(Build b, StageState s, Instruction i) throws IOException, InterruptedException {
    try {
      dispatch(b, s, i);
    } catch (InvalidValueException e) {
      // a substitution's error in COPY's, ADD's or WORKDIR's words: bare, as Docker's builder prints it
      throw new BuildStepException(e.getMessage(), 1);
    }
  }

  private void dispatch(Build b, StageState s, Instruction i) throws IOException, InterruptedException {
    ObjectNode run = s.run();
    switch (i.keyword()) {
      case "RUN" -> run(b, s, i);
      case "COPY", "ADD" -> {
        try (CopyStep.Planned copy = new CopyStep(b.leased, baseImages, b.context, b.done, cancellation)
            .plan(s, i, b.dockerfile.escape())) {
          String parent = s.imageId;
          if (!cached(b, s, copy.createdBy)) {
            layerStep(b, s, parent, copy.run(s), copy.createdBy);
          }
        }
      }
      case "WORKDIR" -> workdir(b, s, i);
      case "ENV", "LABEL", "EXPOSE", "USER", "STOPSIGNAL" -> {
        Function<String, String> variables = s.variables();
        changes(b, i, variables).applyTo(run);
        metadata(b, s, i.keyword() + " " + comment(b, i, variables));
      }
      case "CMD", "ENTRYPOINT" -> {
        List<String> command = i.execForm() ? i.json() : withShell(s, i.arguments());
        String field = i.keyword().equals("CMD") ? "Cmd" : "Entrypoint";
        if (command.isEmpty()) {
          run.remove(field);
        } else {
          ArrayNode array = run.putArray(field);
          command.forEach(array::add);
        }
        if (i.keyword().equals("CMD")) {
          s.cmdSet = true;
        } else if (!s.cmdSet) {
          // as Docker's builder: an entrypoint set here drops the CMD the base image had
          run.remove("Cmd");
        }
        metadata(b, s, i.keyword() + " " + CreatedBy.quoted(command));
      }
      case "VOLUME" -> {
        List<String> paths = new ArrayList<>();
        for (String part : i.execForm() ? i.json() : DockerfileWords.fields(i.arguments())) {
          paths.add(DockerfileWords.word(part, b.dockerfile.escape(), s.variables()));
        }
        for (String path : paths) {
          if (path.isBlank()) {
            throw new BuildStepException("VOLUME specified can not be an empty string", 1);
          }
          run.withObject("/Volumes").putObject(path);
        }
        metadata(b, s, "VOLUME " + CreatedBy.plain(paths));
      }
      case "SHELL" -> {
        ArrayNode shell = run.putArray("Shell");
        i.json().forEach(shell::add);
        metadata(b, s, "SHELL " + CreatedBy.plain(i.json()));
      }
      case "MAINTAINER" -> {
        s.config.put("author", i.arguments());
        metadata(b, s, "MAINTAINER " + i.arguments());
      }
      case "ONBUILD" -> {
        // a trigger's here-documents go with it, as BuildKit records them, to be read again when it runs
        run.withArray("/OnBuild").add(i.withHeredocs());
        metadata(b, s, "ONBUILD " + i.withHeredocs());
      }
      case "ARG" -> arg(b, s, i);
      case "HEALTHCHECK" -> {
        HealthcheckInstruction check = HealthcheckInstruction.parse(i);
        run.set("Healthcheck", check.json());
        metadata(b, s, "HEALTHCHECK " + check.historyText());
      }
      default -> throw new DockerfileException("unknown instruction: " + i.keyword());
    }
  }

  private static ImageChanges changes(Build b, Instruction i, Function<String, String> variables) {
    try {
      return ImageChanges.dockerfile(i.keyword(), i.arguments(), b.dockerfile.escape(), variables);
    } catch (InvalidValueException e) {
      throw new BuildStepException(e.getMessage(), 1);
    }
  }

  /** The words as Docker's history shows them: KEY=VALUE pairs, or the value, with variables replaced. */
  private static String comment(Build b, Instruction i, Function<String, String> variables) {
    List<String> words = words(b, i, variables);
    if ((i.keyword().equals("ENV") || i.keyword().equals("LABEL")) && !words.isEmpty()
        && !words.get(0).contains("=")) {
      // ENV or LABEL KEY VALUE: the rest of the line is the value
      String rest = i.arguments().strip().substring(i.arguments().strip().indexOf(' ') + 1);
      return words.get(0) + "=" + DockerfileWords.word(rest, b.dockerfile.escape(), variables);
    }
    if (i.keyword().equals("USER") || i.keyword().equals("STOPSIGNAL")) {
      return DockerfileWords.word(i.arguments(), b.dockerfile.escape(), variables);
    }
    return String.join(" ", words);
  }

  private static List<String> words(Build b, Instruction i, Function<String, String> variables) {
    try {
      return DockerfileWords.split(i.arguments(), b.dockerfile.escape(), variables);
    } catch (InvalidValueException e) {
      // bare, as Docker's builder prints it
      throw new BuildStepException(e.getMessage(), 1);
    }
  }

  private static List<String> withShell(StageState s, String command) {
    List<String> words = new ArrayList<>(s.shell());
    words.add(command);
    return words;
  }

  /** A step that changes only the config: a history entry without a layer, and a new image id. */
  private void metadata(Build b, StageState s, String comment) {
    String createdBy = CreatedBy.nop(s.shell(), comment);
    String parent = s.imageId;
    if (cached(b, s, createdBy)) {
      return;
    }
    s.history(createdBy, true);
    commit(b, s, parent, createdBy);
  }

  /**
   * Whether the cache has this step on this parent ({@code --no-cache}: never); if it has, the
   * stage takes what the step made before, as Docker's {@code ---> Using cache}.
   */
  private boolean cached(Build b, StageState s, String createdBy) {
    if (b.options.noCache()) {
      return false;
    }
    Optional<BuildCache.Entry> entry = b.cache.find(BuildCache.key(s.imageId, createdBy));
    if (entry.isEmpty()) {
      return false;
    }
    ObjectNode config = (ObjectNode) OciJson.tree(entry.get().config(), "cached config");
    s.config.removeAll();
    s.config.setAll(config);
    s.layers.clear();
    s.layers.addAll(entry.get().layers());
    s.target = entry.get().manifest();
    s.imageId = s.target.digest();
    s.chainId = s.layers.isEmpty() ? "" : b.images.unpackTarget(s.target, Platform.current(),
        ContainerClient.SNAPSHOTTER, UnpackListener.NONE, LayerGate.OPEN);
    out.println(" ---> Using cache");
    return true;
  }

  private void arg(Build b, StageState s, Instruction i) {
    List<String> words = words(b, i, s.variables());
    for (String word : words) {
      int eq = word.indexOf('=');
      String name = eq < 0 ? word : word.substring(0, eq);
      b.consumed.add(name);
      String given = b.options.buildArgs().get(name);
      String value = given != null ? given : eq >= 0 ? word.substring(eq + 1) : b.metaArgs.get(name);
      s.args.put(name, value);
    }
    metadata(b, s, "ARG " + String.join(" ", words));
  }

  private void run(Build b, StageState s, Instruction i) throws InterruptedException, IOException {
    RunCommand command = RunCommand.of(i, s.shell());
    List<RunMount> mountsAsked = new ArrayList<>();
    for (String flag : i.mounts()) {
      mountsAsked.add(RunMount.parse(flag, s.run().path("WorkingDir").asText(""), s.variables()));
    }
    try (RunMounts mounts = new RunMounts(b.leased, baseImages, b.context, b.done, cancellation)) {
      List<String> history = new ArrayList<>();
      if (i.flags().containsKey("network")) {
        history.add("--network=" + i.flags().get("network"));
      }
      for (RunMount m : mountsAsked) {
        history.add(mounts.describe(m));
      }
      history.addAll(historyCommand(s, i, command));
      String createdBy = CreatedBy.run(s.buildArgEnv(), history);
      String parent = s.imageId;
      if (cached(b, s, createdBy)) {
        return;
      }
      if (s.target == null) {
        // FROM scratch and nothing since: no manifest yet to run from
        commit(b, s);
      }
      ImageRecords.createOrRetarget(ImagesGrpc.newBlockingStub(b.leased), new Image(b.record, s.target,
          b.leftoverLabels, null, null));
      b.recordMade = true;
      List<String> env = new ArrayList<>(s.buildArgEnv());
      b.options.buildArgs().forEach((k, v) -> {
        if (PROXY_ARGS.contains(k) && v != null) {
          env.add(k + "=" + v);
        }
      });
      if (command.script() != null) {
        mounts.script(command.script());
      }
      for (RunMount m : mountsAsked) {
        mounts.add(m);
      }
      SnapshotDiff.Layer layer = new RunStep(b.leased, namespace, out, cancellation, b.leftoverLabels).run(b.record,
          s.chainId, command.command(), env, mounts,
          "none".equals(i.flags().get("network")) ? "none" : b.options.network(), layerType(s));
      layerStep(b, s, parent, layer, createdBy);
    }
  }

  /**
   * RUN's command as its history shows it, which is also its cache key: with here-documents, the
   * instruction with their lines put back, under the shell, so that their content is in the key.
   */
  private static List<String> historyCommand(StageState s, Instruction i, RunCommand command) {
    if (i.heredocs().isEmpty()) {
      return command.command();
    }
    return withShell(s, i.withHeredocs());
  }

  private void workdir(Build b, StageState s, Instruction i) throws IOException {
    String dir = DockerfileWords.word(i.arguments(), b.dockerfile.escape(), s.variables());
    String current = s.run().path("WorkingDir").asText("");
    String path = Path.of("/").resolve(current.isEmpty() ? "/" : current).resolve(dir).normalize()
        .toString();
    s.run().put("WorkingDir", path);
    String createdBy = CreatedBy.nop(s.shell(), "WORKDIR " + path);
    String parent = s.imageId;
    if (cached(b, s, createdBy)) {
      return;
    }
    SnapshotDiff.Layer layer;
    try (LayerWorkspace workspace = LayerWorkspace.prepare(b.leased, s.chainId)) {
      Path inside = RootfsFiles.pathInside(workspace.dir(), path);
      if (!Files.isDirectory(inside)) {
        Files.createDirectories(inside);
      }
      layer = workspace.diff(layerType(s));
    }
    layerStep(b, s, parent, layer, createdBy);
  }

  static String layerType(StageState s) {
    return s.dockerTypes ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP;
  }

  /** A step's layer on the stage, or none if it changed nothing (then its history says empty_layer, as Docker's). */
  private static void layerStep(Build b, StageState s, String parent, SnapshotDiff.Layer layer, String createdBy) {
    boolean empty = layer.diffId().equals(EMPTY_LAYER);
    if (!empty) {
      s.addLayer(layer.descriptor(), layer.diffId());
    }
    s.history(createdBy, empty);
    commit(b, s, parent, createdBy);
    if (!empty) {
      s.chainId = b.images.unpackTarget(s.target, Platform.current(), ContainerClient.SNAPSHOTTER,
          UnpackListener.NONE, LayerGate.OPEN);
    }
  }

  /** {@link #commit(Build, StageState)}, kept in the cache as the step {@code createdBy} on {@code parent}. */
  private static void commit(Build b, StageState s, String parent, String createdBy) {
    commit(b, s);
    b.cache.keep(s.target, BuildCache.key(parent, createdBy));
  }

  /** Stores the stage's config and manifest; the manifest's digest is its new image id. */
  private static void commit(Build b, StageState s) {
    s.config.put("created", Instant.now().toString());
    Descriptor config = ImageAssembly.store(b.blobs, s.dockerTypes ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG,
        OciJson.bytes(s.config), Map.of());
    s.target = ImageAssembly.manifest(b.blobs, s.dockerTypes ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST,
        config, s.layers);
    s.imageId = s.target.digest();
  }
}
