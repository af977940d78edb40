package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerCreator;
import dev.berth.client.containers.ContainerOptions;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.ClientRefusal;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DockerExitCodes;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.Io;
import dev.berth.ctl.terminal.DetachKeys;
import dev.berth.ctl.terminal.InvalidDetachKeys;
import dev.berth.ctl.terminal.StartupInterrupted;
import dev.berth.ctl.terminal.StartupSignals;
import dev.berth.ctl.terminal.TerminalMode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl run}: create a container and start it, attached or detached. */
@Command(name = "run",
    description = {"Create a container from an image and start it. Attached (the default), its output "
        + "streams here, signals are passed on (without -t), and berthctl exits with the container's exit code; "
        + "with -d it runs in the background and its id is printed.",
        "Exit codes: the container's; 125 when berthctl or berthd fails; 126 when the command cannot be run; "
        + "127 when it is not found."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl run --rm busybox echo hello",
        "  berthctl run -it --rm busybox sh",
        "  berthctl run -d --name web -p 8080:80 busybox httpd -f -p 80",
        "  berthctl run -d --restart always --memory 64m --cpus 0.5 busybox sleep 1000",
        "  berthctl run -d --rm --network appnet --ip 10.89.0.10 busybox sleep 60",
        "  berthctl run --rm -v data:/data -v /srv/conf:/conf:ro busybox ls /data /conf",
        "  berthctl run --rm --network none busybox ip addr"})
public final class RunCommand implements Callable<Integer>, DockerExitCodes {
  @ParentCommand
  BerthCtl root;

  @Mixin
  CreateOptions options;

  @Option(names = {"-d", "--detach"}, description = "run in the background and print the container's id")
  boolean detach;

  @Option(names = {"-a", "--attach"}, paramLabel = "STREAM",
      description = "only these streams: stdin, stdout, stderr (repeatable; default all, stdin with -i)")
  List<String> attachTo = new ArrayList<>();

  @Option(names = "--sig-proxy", arity = "0..1", defaultValue = "true", fallbackValue = "true", paramLabel = "BOOL",
      description = "without -t, pass the signals berthctl gets on to the container (all but CHLD, PIPE, URG; "
          + "default true); false: they end berthctl only")
  boolean sigProxy;

  @Option(names = "--detach-keys", paramLabel = "KEYS", defaultValue = DetachKeys.DEFAULT,
      description = "with -it on a terminal: the keys that detach, leaving the container running (default: ctrl-p,ctrl-q)")
  String detachKeys;

  /** Whether the container was made: what fails after it is its start. */
  private boolean made;

  @Override
  public Integer call() throws Exception {
    Set<String> streams = attachedStreams();
    // Docker's AttachStdin: -i attaches stdin whatever -a names, and -a stdin asks for it too
    // (reaching a container made without -i nowhere)
    boolean attachStdin = options.interactive || (!attachTo.isEmpty() && streams.contains("stdin"));
    if (!detach && attachStdin && options.tty) {
      root.io().requireTerminalIn();
    }
    // Docker's daemon refuses malformed keys at the attach (none with -d); checked before anything is made
    DetachKeys keys = detach ? DetachKeys.NONE : DetachKeys.parse(detachKeys);
    options.pullPolicy();
    CidFile.check(options.cidFile);
    SpecWarmUp.start();
    try (Connection c = root.connect(); StartupSignals startup = StartupSignals.install(root.io())) {
      ImagePulling.apply(root, c, options);
      ContainerOptions o = options.toOptions();
      o.detach = detach;
      if (o.tty && !detach && root.io().inIsTerminal()) {
        o.consoleSize = TerminalMode.consoleSize();
      }
      Container record = new ContainerCreator(c.channel(), root.namespace(), root.io().env()).create(o);
      ContainerCreator.warnings(o).forEach(w -> root.err().println("WARNING: " + w));
      CidFile.write(options.cidFile, record.getId());
      made = true;
      ContainerTasks tasks = new ContainerTasks(c.channel());
      ContainerState created = new ContainerState(record, Optional.empty());
      if (startup.received()) {
        return abandon(tasks, record);
      }
      if (detach) {
        try {
          // with --rm, berthd removes the container once it has run
          tasks.startDetached(created);
        } catch (RuntimeException e) {
          if (options.autoRemove) {
            tasks.removeIfPresent(record.getId());
          }
          throw e;
        }
        if (startup.received()) {
          return abandon(tasks, record);
        }
        root.out().println(record.getId());
        return 0;
      }
      boolean detached = false;
      try {
        ContainerAttach attach = new ContainerAttach(c.channel());
        boolean stdin = options.interactive;
        if (!attachTo.isEmpty() || !sigProxy || !ContainerAttach.joins(created, root.io(), stdin)) {
          return attach.startAttached(created, only(streams), stdin, sigProxy, startup);
        }
        OptionalInt exit = attach.startJoined(created, root.io(), startup, keys);
        // detached with ctrl-p ctrl-q, as in Docker: it runs on, and with --rm berthd removes it once it ends
        detached = exit.isEmpty();
        if (detached && options.autoRemove) {
          new ContainerClient(c.channel()).updateLabels(record.getId(),
              Map.of(ContainerLabels.AUTO_REMOVE, ContainerLabels.TRUE));
        }
        return exit.orElse(0);
      } catch (StartupInterrupted e) {
        return abandon(tasks, record);
      } finally {
        if (options.autoRemove && !detached) {
          tasks.removeIfPresent(record.getId());
        }
      }
    }
  }

  /**
   * 125 as docker's run, but 1 for what docker's client refuses itself before anything (-it
   * without a terminal, -a with -d) and for the detach keys its daemon refuses at the attach.
   */
  @Override
  public int failureCode(Exception failure) {
    return failure instanceof ClientRefusal || failure instanceof InvalidDetachKeys ? ErrorHandler.FAILURE : FAILURE;
  }

  /**
   * As docker's run: what failed before the container was made comes with the help line, a start
   * that failed without it, and -it without a terminal as any other command's error.
   */
  @Override
  public Form form(Exception failure) {
    if (failureCode(failure) != FAILURE) {
      return Form.PLAIN;
    }
    return made ? Form.WITHOUT_HELP : Form.WITH_HELP;
  }

  /** The streams {@code -a} names (docker's default without it: all), checked before anything is made. */
  private Set<String> attachedStreams() {
    if (attachTo.isEmpty()) {
      return Set.of("stdin", "stdout", "stderr");
    }
    if (detach) {
      throw new ClientRefusal("Conflicting options: -a and -d");
    }
    Set<String> streams = new HashSet<>();
    for (String s : attachTo) {
      String name = s.toLowerCase(Locale.ROOT);
      if (!List.of("stdin", "stdout", "stderr").contains(name)) {
        throw new CommandFailure("invalid argument \"" + s + "\" for \"-a, --attach\" flag: valid streams are STDIN,"
            + " STDOUT and STDERR");
      }
      streams.add(name);
    }
    return streams;
  }

  /** berthctl's streams, with those not attached going nowhere. */
  private Io only(Set<String> streams) {
    Io io = root.io();
    return new Io(io.in(), streams.contains("stdout") ? io.out() : OutputStream.nullOutputStream(),
        streams.contains("stderr") ? io.err() : new PrintStream(OutputStream.nullOutputStream()), io.env(),
        io.errIsTerminal(), io.console());
  }

  /** Ctrl-C before the container ran: what was made goes, task and runtime process included. */
  private int abandon(ContainerTasks tasks, Container record) throws InterruptedException {
    tasks.removeIfPresent(record.getId());
    return StartupSignals.INTERRUPTED_EXIT;
  }
}
