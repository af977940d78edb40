package dev.berth.ctl;

import dev.berth.api.grpc.BerthException;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import dev.berth.client.ConflictException;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.containers.ContainerStartFailure;
import dev.berth.ctl.output.TemplateFailure;
import dev.berth.api.InvalidValueException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command throws into one line on stderr and exit code 1: the user needs the cause,
 * not a stack trace. {@code run} and {@code create} print theirs as Docker's do instead (see
 * {@link DockerExitCodes}).
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  public static final int FAILURE = 1;
  /** berthctl's heading when berthd cannot be reached, as Docker's CLI names itself then. */
  private static final String DAEMON_UNREACHABLE = "berthctl: ";
  /** The heading Docker's CLI gives what its daemon refused. */
  private static final String DAEMON_REFUSED = "Error response from daemon: ";

  private final Supplier<Path> address;

  public ErrorHandler(Supplier<Path> address) {
    this.address = address;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BrokenPipe) {
        return BrokenPipe.EXIT;
      }
    }
    Report report = report(e);
    DockerExitCodes.Form form = cmd.getCommandSpec().userObject() instanceof DockerExitCodes d ? d.form(e)
        : DockerExitCodes.Form.PLAIN;
    PrintWriter err = cmd.getErr();
    err.println(switch (form) {
      case PLAIN -> report.line();
      case WITH_HELP -> report.runLine();
      case WITHOUT_HELP -> report.startLine();
    });
    if (form == DockerExitCodes.Form.WITH_HELP) {
      // run's even when reached as container run, as Docker's
      err.println("See 'berthctl " + cmd.getCommandSpec().name() + " --help'.");
    }
    err.flush();
    if (e instanceof TemplateFailure t) {
      return t.exitCode();
    }
    return e instanceof ContainerStartFailure f ? f.exitCode() : failureCode(cmd, e);
  }

  /** What a command marked {@link DockerExitCodes} says for {@code e} (125 mostly), 1 otherwise. */
  static int failureCode(CommandLine cmd, Exception e) {
    return cmd.getCommandSpec().userObject() instanceof DockerExitCodes d ? d.failureCode(e) : FAILURE;
  }

  /**
   * {@code e}, a start's failure, as Docker's CLI reports what its daemon refused: after
   * "Error response from daemon: ", since berthctl does some of that daemon's work at a start
   * (finding the user, checking device requests). What berthd could not be reached for, what
   * carries its own heading already, and a stream's I/O failure stay as they are.
   */
  public RuntimeException asDaemonRefusal(RuntimeException e) {
    if (e instanceof UncheckedIOException || e instanceof BrokenPipe) {
      return e;
    }
    Report r = report(e);
    return r.heading().equals("Error: ") ? new DaemonError(r.reason(), e) : e;
  }

  /** The one line printed for {@code e}. */
  String message(Throwable e) {
    return report(e).line();
  }

  /**
   * A failure as printed: berthctl's own heading ({@code Error: }, {@code berthctl: } or none)
   * and what went wrong, which keeps the heading Docker's CLI gives its daemon's refusals.
   */
  private record Report(String heading, String reason) {
    String line() {
      return heading + reason;
    }

    /** As Docker's run and create (its reportError) print it: the CLI's name, one final period. */
    String runLine() {
      return "berthctl: " + (reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason) + ".";
    }

    /**
     * As Docker's run prints a start that failed: its daemon refused the start, so the reason
     * comes after that daemon's prefix, unless berthd could not be reached at all.
     */
    String startLine() {
      if (heading.equals(DAEMON_UNREACHABLE) || reason.startsWith(DAEMON_REFUSED)) {
        return runLine();
      }
      return new Report(heading, DAEMON_REFUSED + reason).runLine();
    }
  }

  private Report report(Throwable e) {
    if (e instanceof DaemonUnreachableException) {
      return new Report(DAEMON_UNREACHABLE, e.getMessage());
    }
    if (e instanceof BerthException b) {
      // a status berthd answered, passed on by a store reached over gRPC: reported as berthd's own
      return b.getCause() instanceof StatusRuntimeException s ? report(s) : new Report("Error: ", b.getMessage());
    }
    if (e instanceof StatusRuntimeException s) {
      Status status = s.getStatus();
      // A transport failure carries its cause; an UNAVAILABLE answered by berthd itself (say, an
      // ingest ref held by another writer) does not, and is reported like any other status.
      if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
        return new Report(DAEMON_UNREACHABLE,
            new DaemonUnreachableException(address.get(), connectFailure(status.getCause())).getMessage());
      }
      return new Report("Error: ", describe(status));
    }
    // a runtime's refusal to start the command, which Docker's daemon answers (start -a prints it bare)
    if (e instanceof DaemonError || e instanceof NoSuchObjectException || e instanceof ConflictException
        || e instanceof InvalidParameterException || e instanceof ContainerStartFailure) {
      return new Report("", DAEMON_REFUSED + e.getMessage());
    }
    if (e instanceof TemplateFailure || e instanceof StreamedDaemonError || e instanceof ClientRefusal) {
      // Go's words and position, the daemon's within its stream, or the CLI's own refusal, as
      // Docker's CLI prints them: bare
      return new Report("", e.getMessage());
    }
    if (e instanceof NoSuchFileException f) {
      return new Report("Error: ", "no such file: " + f.getFile());
    }
    if (e instanceof CommandFailure || e instanceof IOException || e instanceof ClientException
        || e instanceof InvalidValueException) {
      return new Report("Error: ", e.getMessage());
    }
    return new Report("Error: ", e.toString());
  }

  /**
   * Runs {@code call}, reporting NOT_FOUND as "no such {@code kind}: {@code name}" (networks and
   * volumes in Docker's daemon's words), which says more than the server's description for the
   * object the user named.
   */
  public static <T> T naming(String kind, String name, Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw naming(kind, name, e);
    }
  }

  /** {@code e} as thrown by {@link #naming(String, String, Supplier)}. */
  public static RuntimeException naming(String kind, String name, StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
      return missing(kind, name, e);
    }
    return e;
  }

  /** {@code e}, a failure a store reached over gRPC passed on, as thrown by {@link #naming(String, String, Supplier)}. */
  public static RuntimeException naming(String kind, String name, BerthException e) {
    if (e.code() == Status.Code.NOT_FOUND) {
      return missing(kind, name, e);
    }
    return e;
  }

  /**
   * {@code e} from removing a network or volume: berthd's refusal of one that is in use, or of the
   * default network, is in Docker's daemon's words and printed after its prefix.
   */
  public static RuntimeException removing(String kind, String name, StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
      return new DaemonError(describe(e.getStatus()), e);
    }
    return naming(kind, name, e);
  }

  private static RuntimeException missing(String kind, String name, Exception cause) {
    return switch (kind) {
      case "network" -> NoSuchObjectException.network(name, cause);
      case "volume" -> NoSuchObjectException.volume(name, cause);
      default -> new CommandFailure("no such " + kind + ": " + name, cause);
    };
  }

  private static String describe(Status status) {
    String description = status.getDescription();
    if (description != null && !description.isBlank()) {
      return description;
    }
    return status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /**
   * Why connecting failed, or null when nobody listens (refused, or the socket vanished): that
   * case reads "berthd is not running".
   */
  private static String connectFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m == null) {
        continue;
      }
      if (m.contains("Connection refused") || m.contains("No such file or directory")) {
        return null;
      }
      if (m.contains("Permission denied")) {
        return "permission denied (run as root or as a member of the socket's group)";
      }
    }
    String m = cause.getMessage();
    if (m == null) {
      return cause.getClass().getSimpleName();
    }
    return m.substring(m.lastIndexOf(": ") + 1).strip();
  }
}
