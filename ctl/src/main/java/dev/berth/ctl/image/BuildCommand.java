package dev.berth.ctl.image;

import berth.transfer.v1.PullRequest;
import dev.berth.client.build.BuildContext;
import dev.berth.client.build.BuildOptions;
import dev.berth.client.build.BuildStepException;
import dev.berth.client.build.Dockerfile;
import dev.berth.client.build.DockerfileException;
import dev.berth.client.build.DockerfileParser;
import dev.berth.client.build.ImageBuilder;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.flags.PflagTypes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl build}: an image from a Dockerfile, as Docker's legacy builder makes it and prints it. */
@Command(name = "build",
    description = {"Build an image from a Dockerfile and a context (a directory, or - for a tar archive or a "
        + "Dockerfile on stdin), as Docker's legacy builder (DOCKER_BUILDKIT=0) does and prints it: one layer per "
        + "RUN, COPY and ADD, RUN in a container of each step's image, .dockerignore honoured, multi-stage builds.",
        "A step an earlier build ran on the same image, with the same instruction (and for COPY and ADD the same "
            + "files), is taken from the cache (' ---> Using cache'); system prune empties it. Intermediate "
            + "containers are removed, also when a step fails or the build is cancelled (SIGINT, SIGTERM). BuildKit's features (RUN --mount, heredocs) and ADD "
            + "of a URL are refused."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl build -t app .", "  berthctl build -t app:1 -f build/Dockerfile --build-arg VERSION=2 .",
        "  berthctl build -q --target builder -t app-build .", "  tar -c . | berthctl build -t app -"})
public final class BuildCommand implements Callable<Integer> {
  private static final String STDIN = "-";
  /** The start of Docker's reference parser's words for a name with capitals. */
  /** A tar archive's first header, which tells it from a Dockerfile. */
  private static final int TAR_HEAD = 512;
  /** How long a SIGINT or SIGTERM waits for a build to clean up before berthctl exits. */
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(30);

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", converter = PflagTypes.ImageTag.class,
      description = "a name for the image (repeatable)")
  List<String> tags = new ArrayList<>();

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "the Dockerfile, relative to the current directory (in a tar on stdin, to its top; default "
          + "PATH/Dockerfile); - reads it from stdin")
  String file;

  @Option(names = "--build-arg", paramLabel = "KEY[=VALUE]",
      description = "a build arg; KEY alone takes the value from the environment (repeatable)")
  List<String> buildArgs = new ArrayList<>();

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label on the image (repeatable)")
  List<String> labels = new ArrayList<>();

  @Option(names = "--target", paramLabel = "STAGE", description = "build up to this stage and make it the image")
  String target;

  @Option(names = "--network", paramLabel = "MODE", defaultValue = "default",
      description = "the network RUN's containers join: default (bridge), bridge, none or host")
  String network;

  @Option(names = "--iidfile", paramLabel = "FILE", description = "write the image's id to FILE")
  Path iidFile;

  @Option(names = {"-q", "--quiet"}, description = "print only the image's id (the output only if the build fails)")
  boolean quiet;

  @Option(names = "--no-cache", description = "run every step, taking none from the cache of earlier builds")
  boolean noCache;

  @Parameters(paramLabel = "PATH", description = "the context: a directory, or - for stdin")
  String context;

  /** A Dockerfile read from stdin in place of a context ({@code docker build - < Dockerfile}). */
  private String stdinDockerfile;

  @Override
  public Integer call() throws IOException, InterruptedException {
    BuildOptions options = new BuildOptions(tags, buildArgs(), labels(), target, network(), noCache);
    if (context.contains("://") || context.startsWith("git@") || context.startsWith("github.com/")) {
      throw new CommandFailure("unable to prepare context: building from the URL " + context + " is not supported "
          + "(no host but package registries is reachable): give a local directory or - for a tar on stdin");
    }
    if (STDIN.equals(context) && STDIN.equals(file)) {
      throw new CommandFailure("invalid argument: can't use stdin for both build context and dockerfile");
    }
    ByteArrayOutputStream quietOutput = new ByteArrayOutputStream();
    PrintStream out = quiet ? new PrintStream(quietOutput, true, StandardCharsets.UTF_8)
        : new PrintStream(root.io().out(), true, StandardCharsets.UTF_8);
    try (BuildContext ctx = openContext()) {
      String dockerfileText = STDIN.equals(file) ? new String(root.io().in().readAllBytes(), StandardCharsets.UTF_8)
          : stdinDockerfile != null ? stdinDockerfile : ctx.dockerfile(dockerfilePath());
      long sent = ctx.sentBytes();
      if (STDIN.equals(file) || stdinDockerfile != null) {
        // Docker's CLI puts a Dockerfile read from stdin into the context it sends
        sent += 512 + (dockerfileText.getBytes(StandardCharsets.UTF_8).length + 511) / 512 * 512;
      }
      out.println("Sending build context to Docker daemon  " + humanSize(sent));
      try (Connection c = root.connect()) {
        Dockerfile dockerfile = DockerfileParser.parse(dockerfileText, sentDockerfileName(ctx));
        ImageBuilder builder = new ImageBuilder(c.channel(), root.namespace(), reference -> baseImage(c, reference),
            out);
        String id = buildCancellable(builder, dockerfile, ctx, options);
        if (iidFile != null) {
          Files.writeString(iidFile, id);
        }
        if (quiet) {
          root.io().out().write((id + "\n").getBytes(StandardCharsets.UTF_8));
          root.io().out().flush();
        }
        return 0;
      }
    } catch (DockerfileException e) {
      printQuietOutput(quietOutput);
      throw new DaemonError(e.getMessage(), e);
    } catch (BuildStepException e) {
      printQuietOutput(quietOutput);
      // Docker's CLI prints the daemon's error from within the stream bare, and exits with its code
      root.err().println(e.getMessage());
      root.err().flush();
      return e.exitCode();
    } catch (RuntimeException | IOException e) {
      printQuietOutput(quietOutput);
      throw e;
    } finally {
      out.flush();
    }
  }

  /**
   * Builds with a shutdown hook that cancels the build on SIGINT or SIGTERM, as Docker's CLI does on
   * Ctrl-C, and holds the exit until the build has cleaned up (or {@link #CANCEL_WAIT} passed).
   */
  private static String buildCancellable(ImageBuilder builder, Dockerfile dockerfile, BuildContext ctx,
      BuildOptions options) throws IOException, InterruptedException {
    Thread hook = new Thread(() -> {
      try {
        if (!builder.cancel(CANCEL_WAIT)) {
          System.err.println("berthctl build: the cancelled build was still cleaning up after "
              + CANCEL_WAIT.toSeconds() + "s; its intermediate container and berthctl-build/... image may be left "
              + "(berthctl ps -a, images)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "berthctl-build-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return builder.build(dockerfile, ctx, options);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting and the hook runs: it waits for this build to be over
      }
    }
  }

  /**
   * As Docker's CLI takes {@code -f}: with a directory for context, relative to the current
   * directory (and read even when outside the context); in a tar on stdin, to the archive's top.
   */
  private String dockerfilePath() {
    return file == null || STDIN.equals(context) ? file : Path.of(file).toAbsolutePath().toString();
  }

  /**
   * The Dockerfile's name in the context Docker's CLI sends: relative to the context's top, or
   * {@code Dockerfile} for one alone on stdin; one read from stdin with {@code -f -} or lying
   * outside the context is put in under a random {@code .dockerfile.} name.
   */
  private String sentDockerfileName(BuildContext ctx) {
    if (stdinDockerfile != null) {
      return "Dockerfile";
    }
    if (file == null) {
      boolean lowercase = !Files.exists(ctx.root().resolve("Dockerfile"))
          && Files.exists(ctx.root().resolve("dockerfile"));
      return lowercase ? "dockerfile" : "Dockerfile";
    }
    if (STDIN.equals(context)) {
      return file;
    }
    Path relative = ctx.root().relativize(Path.of(file).toAbsolutePath().normalize());
    if (STDIN.equals(file) || relative.startsWith("..")) {
      byte[] random = new byte[10];
      ThreadLocalRandom.current().nextBytes(random);
      return ".dockerfile." + HexFormat.of().formatHex(random);
    }
    return relative.toString();
  }

  private BuildContext openContext() throws IOException {
    if (!STDIN.equals(context)) {
      return BuildContext.directory(Path.of(context));
    }
    // only the head is looked at: a context on stdin is unpacked as it streams in, never held whole
    BufferedInputStream in = new BufferedInputStream(root.io().in(), TAR_HEAD);
    in.mark(TAR_HEAD);
    byte[] head = in.readNBytes(TAR_HEAD);
    in.reset();
    if (isTar(head)) {
      return BuildContext.tar(in);
    }
    stdinDockerfile = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    return BuildContext.empty();
  }

  /** Whether stdin's head is a tar archive's (gzip-compressed ones included) rather than a Dockerfile's. */
  private static boolean isTar(byte[] head) {
    boolean gzip = head.length > 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    return gzip || head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
  }

  private void printQuietOutput(ByteArrayOutputStream quietOutput) {
    if (quiet && quietOutput.size() > 0) {
      root.io().err().print(quietOutput.toString(StandardCharsets.UTF_8));
      root.io().err().flush();
    }
  }

  /** The image a FROM or COPY --from names, pulled first if it is not here. */
  private Image baseImage(Connection c, String reference) {
    ImageClient images = new ImageClient(c.channel());
    try {
      return images.resolve(reference);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    PullCommand.pull(root, c, reference, PullRequest.newBuilder().setUnpack(true), quiet);
    return images.resolve(reference);
  }

  private Map<String, String> buildArgs() {
    Map<String, String> args = new LinkedHashMap<>();
    for (String arg : buildArgs) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        // as Docker's CLI: KEY alone takes the caller's value, and names no value if it has none
        args.put(arg, root.io().env().get(arg));
      } else {
        args.put(arg.substring(0, eq), arg.substring(eq + 1));
      }
    }
    return args;
  }

  private Map<String, String> labels() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String label : labels) {
      int eq = label.indexOf('=');
      map.put(eq < 0 ? label : label.substring(0, eq), eq < 0 ? "" : label.substring(eq + 1));
    }
    return map;
  }

  private String network() {
    String mode = network.toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "default", "bridge" -> "bridge";
      case "none", "host" -> mode;
      default -> throw new CommandFailure("--network " + network + ": berthctl build takes default, bridge, none or "
          + "host");
    };
  }

  /** go-units' HumanSize, as Docker's CLI prints the context's size: 4 significant digits, powers of 1000. */
  static String humanSize(long bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double size = bytes;
    int unit = 0;
    while (size >= 1000 && unit < units.length - 1) {
      size /= 1000;
      unit++;
    }
    return new java.math.BigDecimal(size).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString()
        + units[unit];
  }
}
