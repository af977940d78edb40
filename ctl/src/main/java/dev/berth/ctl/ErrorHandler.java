package dev.berth.ctl;

import dev.berth.api.grpc.BerthException;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import dev.berth.client.ConflictException;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.containers.ContainerStartFailure;
import dev.berth.ctl.output.TemplateFailure;
import dev.berth.ctl.terminal.InvalidDetachKeys;
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
 * not a stack trace. As Docker's CLI prints its errors: berthctl's own bare, berthd's refusals
 * after {@code Error response from daemon: }, and berthd out of reach after {@code berthctl: }.
 * {@code run} and {@code create} print theirs as Docker's do instead (see {@link DockerExitCodes}).
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
    return r.origin() == Origin.CLI ? new DaemonError(r.reason(), e) : e;
  }

  /**
   * {@code e}, berthd's refusal of a call whose output stream has begun (a push after "The push
   * refers to repository"), as Docker's daemon sends such a refusal inside its stream, printed
   * bare; berthd out of reach stays as it is.
   */
  public static RuntimeException asStreamed(StatusRuntimeException e) {
    Status status = e.getStatus();
    if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
      return e;
    }
    StreamedDaemonError streamed = new StreamedDaemonError(describe(status));
    streamed.initCause(e);
    return streamed;
  }

  /** The one line printed for {@code e}. */
  String message(Throwable e) {
    return report(e).line();
  }

  /** Who a failure comes from, which decides its heading. */
  private enum Origin {
    /** berthctl itself, printed bare as Docker's CLI prints its own errors. */
    CLI,
    /** berthd's refusal, after Docker's CLI's heading for its daemon's. */
    DAEMON,
    /** berthd could not be reached, after the CLI's name. */
    UNREACHABLE,
    /** Words whose form is Docker's already (a template's, a streamed error's): printed as they are. */
    AS_IS
  }

  /** A failure as printed: where it comes from and what went wrong. */
  private record Report(Origin origin, String reason) {
    String line() {
      return switch (origin) {
        case CLI, AS_IS -> reason;
        case DAEMON -> DAEMON_REFUSED + reason;
        case UNREACHABLE -> DAEMON_UNREACHABLE + reason;
      };
    }

    /** As Docker's run and create (its reportError) print it: the CLI's name, one final period. */
    String runLine() {
      String text = origin == Origin.DAEMON ? DAEMON_REFUSED + reason : reason;
      return DAEMON_UNREACHABLE + (text.endsWith(".") ? text.substring(0, text.length() - 1) : text) + ".";
    }

    /**
     * As Docker's run prints a start that failed: its daemon refused the start, so the reason
     * comes after that daemon's prefix, unless berthd could not be reached at all.
     */
    String startLine() {
      if (origin == Origin.UNREACHABLE || origin == Origin.DAEMON || reason.startsWith(DAEMON_REFUSED)) {
        return runLine();
      }
      return new Report(Origin.DAEMON, reason).runLine();
    }
  }

  private Report report(Throwable e) {
    if (e instanceof DaemonUnreachableException) {
      return new Report(Origin.UNREACHABLE, e.getMessage());
    }
    if (e instanceof BerthException b) {
      // a status berthd answered, passed on by a store reached over gRPC: reported as berthd's own
      return b.getCause() instanceof StatusRuntimeException s ? report(s) : new Report(Origin.CLI, b.getMessage());
    }
    if (e instanceof StatusRuntimeException s) {
      Status status = s.getStatus();
      // A transport failure carries its cause; an UNAVAILABLE answered by berthd itself (say, an
      // ingest ref held by another writer) does not, and is reported like any other status.
      if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
        return new Report(Origin.UNREACHABLE,
            new DaemonUnreachableException(address.get(), connectFailure(status.getCause())).getMessage());
      }
      return new Report(Origin.DAEMON, describe(status));
    }
    // a runtime's refusal to start the command, which Docker's daemon answers (start -a prints it bare)
    if (e instanceof DaemonError || e instanceof InvalidDetachKeys || e instanceof NoSuchObjectException
        || e instanceof ConflictException
        || e instanceof InvalidParameterException || e instanceof ContainerStartFailure) {
      return new Report(Origin.DAEMON, e.getMessage());
    }
    if (e instanceof TemplateFailure || e instanceof StreamedDaemonError || e instanceof ClientRefusal) {
      // Go's words and position, the daemon's within its stream, or the CLI's own refusal, as
      // Docker's CLI prints them: bare
      return new Report(Origin.AS_IS, e.getMessage());
    }
    if (e instanceof NoSuchFileException f) {
      // Go's os.Open's words, unless the thrower said what was missing
      return new Report(Origin.CLI, f.getReason() != null ? f.getReason()
          : "open " + f.getFile() + ": no such file or directory");
    }
    if (e instanceof CommandFailure || e instanceof IOException || e instanceof ClientException
        || e instanceof InvalidValueException) {
      return new Report(Origin.CLI, e.getMessage());
    }
    return new Report(Origin.CLI, e.toString());
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
