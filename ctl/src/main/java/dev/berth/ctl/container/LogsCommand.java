package dev.berth.ctl.container;

import berth.logs.v1.LogEntry;
import berth.logs.v1.LogsGrpc;
import berth.logs.v1.ReadLogsRequest;
import berth.logs.v1.ReadLogsResponse;
import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.LogAttributes;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.output.Durations;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl logs}: what a container's main process wrote, from the log its monitor keeps. */
@Command(name = "logs",
    description = "Print a container's output (stdout here, stderr on stderr) as its monitor logged it, "
        + "also while berthd was down.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl logs web", "  berthctl logs -f --tail 10 web", "  berthctl logs -n 2 web", "  berthctl logs -t --since 10m web"})
public final class LogsCommand implements Callable<Integer> {
  private static final int BUFFER = 64 * 1024;

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-f", "--follow"}, description = "go on printing new output until the container stops")
  boolean follow;

  @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "all",
      description = "only the last N lines (default: all; 0: none, with -f only new ones)")
  String tail;

  @Option(names = {"-t", "--timestamps"}, description = "start each line with its time (RFC 3339 in UTC, nine digits of nanoseconds)")
  boolean timestamps;

  @Option(names = "--since", paramLabel = "TIME",
      description = "only lines since TIME: 2024-05-01T10:00:00Z, a Unix time, or a duration such as 10m")
  String since;

  @Option(names = "--until", paramLabel = "TIME",
      description = "only lines before TIME (as --since); with -f, follow until then")
  String until;

  @Option(names = "--details",
      description = "start each line with the log's attributes (--log-opt labels=, env= of json-file) and a space")
  boolean details;

  @Parameters(paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Override
  public Integer call() throws IOException {
    ReadLogsRequest.Builder request = ReadLogsRequest.newBuilder().setFollow(follow);
    tailLines().ifPresent(request::setTail);
    if (since != null) {
      Instant from = time("since", since);
      request.setSince(ProtoTimes.toTimestamp(from));
    }
    Optional<Instant> to = until == null ? Optional.empty() : Optional.of(time("until", until));
    // written a response at a time: a write a line made a long log slow to print
    OutputStream out = new BufferedOutputStream(root.io().out(), BUFFER);
    OutputStream err = new BufferedOutputStream(root.io().err(), BUFFER);
    try (Connection c = root.connect()) {
      Optional<Container> record = ContainerArgument.find(c.channel(), container);
      if (record.isPresent()
          && ContainerLabels.LOG_DRIVER_NONE.equals(record.get().getLabelsMap().get(ContainerLabels.LOG_DRIVER))) {
        throw new DaemonError("configured logging driver does not support reading");
      }
      request.setContainerId(record.map(Container::getId).orElse(container));
      LogsGrpc.LogsBlockingStub logs = LogsGrpc.newBlockingStub(c.channel());
      if (follow && to.isPresent()) {
        // following ends at --until, as docker's does
        logs = logs.withDeadline(Deadline.after(Math.max(1, Duration.between(Instant.now(), to.get()).toMillis()),
            TimeUnit.MILLISECONDS));
      }
      byte[] attributes = record.map(LogAttributes::of).orElse("").getBytes(StandardCharsets.UTF_8);
      Iterator<ReadLogsResponse> responses = logs.read(request.build());
      boolean lineStart = true;
      OutputStream last = out;
      try {
        while (next(responses, record.isPresent())) {
          for (LogEntry e : responses.next().getEntriesList()) {
            if (to.isPresent() && ProtoTimes.toInstant(e.getTime()).isAfter(to.get())) {
              return 0;
            }
            OutputStream target = e.getStream().equals("stderr") ? err : out;
            if (target != last) {
              // both may be the same terminal: lines keep their order there
              last.flush();
              last = target;
            }
            if (timestamps && lineStart) {
              target.write((Durations.rfc3339NanoFixed(ProtoTimes.toInstant(e.getTime())) + " ").getBytes(StandardCharsets.UTF_8));
            }
            if (details && lineStart) {
              // docker's attributes (from json-file's --log-opt labels= and env=), then a space
              target.write(attributes);
              target.write(' ');
            }
            e.getData().writeTo(target);
            if (e.getComplete()) {
              target.write('\n');
            }
            lineStart = e.getComplete();
          }
          // what came is shown before waiting for more, so a follower sees each line when it is written
          out.flush();
          err.flush();
        }
      } finally {
        out.flush();
        err.flush();
      }
    }
    return 0;
  }

  /**
   * Whether more lines come; a follow that reached {@code --until} ends here, and so does the
   * log of a container that is there ({@code known}) but never ran, which has none: Docker prints
   * nothing for it.
   */
  private static boolean next(Iterator<ReadLogsResponse> entries, boolean known) {
    try {
      return entries.hasNext();
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.DEADLINE_EXCEEDED || known && code == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The last lines {@code --tail} asks for, read as Docker's daemon reads it (Go's strconv.Atoi): a
   * whole number, and anything else (all, a negative number, a word) all of them. 0 prints none of
   * the lines there are, as docker's --tail 0 (with -f, only new ones).
   */
  private OptionalInt tailLines() {
    if (!tail.matches("[+-]?\\d+")) {
      return OptionalInt.empty();
    }
    BigInteger lines = new BigInteger(tail);
    if (lines.signum() < 0 || lines.bitLength() > 63) {
      // Atoi refuses what is past int64, which Docker's daemon then takes for all too
      return OptionalInt.empty();
    }
    return OptionalInt.of(lines.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValueExact());
  }

  /**
   * {@code --since}/{@code --until}'s time, refused in the words of Docker's client: a value
   * that is no time, Unix time or duration, or (when it holds a '-') a date that does not parse.
   */
  private static Instant time(String flag, String value) {
    try {
      return Durations.since(value, Instant.now());
    } catch (CommandFailure e) {
      String reason = value.contains("-") ? e.getMessage()
          : "failed to parse value as time or duration: \"" + value + "\"";
      throw new CommandFailure("invalid value for \"" + flag + "\": " + reason, e);
    }
  }
}
