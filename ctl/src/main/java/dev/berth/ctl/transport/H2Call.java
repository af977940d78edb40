package dev.berth.ctl.transport;

import dev.berth.api.grpc.MessageLimits;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.InternalStatus;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC call on an {@link H2Connection} stream. The listener hears of it on the call's executor
 * (the stub's, so a blocking stub's thread runs them), one event at a time and in order: headers,
 * messages as they are requested, then the close, which waits for the messages still queued
 * unless the call failed.
 */
final class H2Call<Q, R> extends ClientCall<Q, R> {
  private static final int PREFIX_BYTES = 5;

  private final UnixGrpcChannel channel;
  private final MethodDescriptor<Q, R> method;
  private final CallOptions options;
  private final Executor executor;
  private final Context context = Context.current();
  private final Stream stream = new Stream();
  private Listener<R> listener;
  private H2Connection connection;
  private ScheduledFuture<?> deadlineTimer;
  private final Context.CancellationListener contextCancelled = c -> fail(Contexts.statusFromCancelled(c));
  /** Whether the channel counts this call among its open ones. */
  private boolean counted;

  // What the connection's reader hands over, for the executor to deliver; guarded by this.
  private final ArrayDeque<Inbound> messages = new ArrayDeque<>();
  private final byte[] prefix = new byte[PREFIX_BYTES];
  private int prefixFill;
  private byte[] message;
  private int messageFill;
  /** DATA bytes received (flow control's count) since the last whole message. */
  private int framedBytes;
  /** DATA bytes delivered to the listener that the server was not yet told of. */
  private int unacknowledged;
  private int requested;
  private boolean headersSeen;
  private Metadata headersToDeliver;
  private boolean readyToDeliver;
  private Status closeStatus;
  private Metadata closeTrailers;
  /** The close goes before the queued messages (a failure), not after them. */
  private boolean closeNow;
  private boolean closeDelivered;
  private boolean delivering;

  H2Call(UnixGrpcChannel channel, MethodDescriptor<Q, R> method, CallOptions options, Executor defaultExecutor) {
    this.channel = channel;
    this.method = method;
    this.options = options;
    this.executor = options.getExecutor() != null ? options.getExecutor() : defaultExecutor;
  }

  @Override
  public void start(Listener<R> listener, Metadata headers) {
    this.listener = listener;
    counted = channel.callStarted();
    if (!counted) {
      close(Status.UNAVAILABLE.withDescription("the channel was shut down"), new Metadata(), true);
      return;
    }
    Deadline deadline = earlier(options.getDeadline(), context.getDeadline());
    if (deadline != null && deadline.isExpired()) {
      close(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded before the call started"), new Metadata(),
          true);
      return;
    }
    try {
      connection = channel.connection();
    } catch (IOException e) {
      close(Status.UNAVAILABLE.withDescription("cannot connect to " + channel.path()).withCause(e), new Metadata(),
          true);
      return;
    }
    String timeout = deadline == null ? null : grpcTimeout(deadline.timeRemaining(TimeUnit.NANOSECONDS));
    byte[] block = HeaderBlocks.request("/" + method.getFullMethodName(), channel.authority(), timeout, headers);
    Status refused = connection.open(stream, block);
    if (refused != null) {
      close(refused, new Metadata(), true);
      return;
    }
    if (deadline != null) {
      deadlineTimer = deadline.runOnExpiration(this::deadlineExceeded, channel.timer());
    }
    context.addListener(contextCancelled, Runnable::run);
    synchronized (this) {
      readyToDeliver = true;
    }
    deliverLater();
  }

  private static Deadline earlier(Deadline a, Deadline b) {
    return a == null ? b : b == null ? a : a.minimum(b);
  }

  /** gRPC's timeout header: at most eight digits and a unit. */
  static String grpcTimeout(long nanos) {
    long[] perUnit = {1, 1_000, 1_000_000, 1_000_000_000, 60_000_000_000L, 3_600_000_000_000L};
    String units = "numSMH";
    long n = Math.max(nanos, 1);
    for (int i = 0; i < perUnit.length; i++) {
      long value = n / perUnit[i] + (i > 0 && n % perUnit[i] != 0 ? 1 : 0);
      if (value < 100_000_000) {
        return value + units.substring(i, i + 1);
      }
    }
    return "99999999H";
  }

  private boolean deadlineExpired() {
    Deadline deadline = earlier(options.getDeadline(), context.getDeadline());
    return deadline != null && deadline.isExpired();
  }

  private void deadlineExceeded() {
    fail(deadlineStatus());
  }

  private Status deadlineStatus() {
    Deadline deadline = earlier(options.getDeadline(), context.getDeadline());
    return Status.DEADLINE_EXCEEDED.withDescription(String.format(Locale.ROOT, "deadline exceeded after %.3fs",
        deadline == null ? 0 : -deadline.timeRemaining(TimeUnit.NANOSECONDS) / 1e9));
  }

  @Override
  public void request(int count) {
    synchronized (this) {
      requested += count;
    }
    deliverLater();
  }

  @Override
  public void cancel(String description, Throwable cause) {
    if (description == null && cause == null) {
      description = "cancelled without a reason";
    }
    fail(Status.CANCELLED.withDescription(description).withCause(cause));
  }

  /** Resets the stream, if it is open, and closes the call with {@code status} before its queued messages. */
  private void fail(Status status) {
    if (connection != null) {
      connection.reset(stream, H2Connection.CANCEL);
    }
    close(status, new Metadata(), true);
  }

  @Override
  public void halfClose() {
    send(new byte[0], true);
  }

  @Override
  public void sendMessage(Q request) {
    byte[] body;
    try (InputStream in = method.streamRequest(request)) {
      body = in.readAllBytes();
    } catch (IOException e) {
      fail(Status.INTERNAL.withDescription("cannot serialize the request").withCause(e));
      return;
    }
    byte[] framed = new byte[PREFIX_BYTES + body.length];
    framed[1] = (byte) (body.length >>> 24);
    framed[2] = (byte) (body.length >>> 16);
    framed[3] = (byte) (body.length >>> 8);
    framed[4] = (byte) body.length;
    System.arraycopy(body, 0, framed, PREFIX_BYTES, body.length);
    send(framed, false);
  }

  private void send(byte[] data, boolean endStream) {
    synchronized (this) {
      if (closeStatus != null || connection == null) {
        return;
      }
    }
    try {
      connection.writeData(stream, data, endStream);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(Status.CANCELLED.withDescription("interrupted while sending").withCause(e));
    }
  }

  @Override
  public synchronized boolean isReady() {
    return closeStatus == null && connection != null;
  }

  /** Records the close; it reaches the listener once the messages before it did, or at once if {@code now}. */
  private void close(Status status, Metadata trailers, boolean now) {
    synchronized (this) {
      if (closeStatus != null) {
        return;
      }
      closeStatus = status;
      closeTrailers = trailers;
      closeNow = now;
      if (now) {
        messages.clear();
      }
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    context.removeListener(contextCancelled);
    deliverLater();
  }

  /** Runs {@link #deliver} on the executor unless it runs already. */
  private void deliverLater() {
    synchronized (this) {
      if (delivering) {
        return;
      }
      delivering = true;
    }
    executor.execute(this::deliver);
  }

  /** Hands the listener what is due, one event at a time, until nothing is. */
  private void deliver() {
    while (true) {
      Metadata headers = null;
      Inbound next = null;
      boolean ready = false;
      Status status = null;
      Metadata trailers = null;
      int acknowledge = 0;
      synchronized (this) {
        if (closeDelivered) {
          delivering = false;
          return;
        }
        if (closeStatus != null && (closeNow || messages.isEmpty() && headersToDeliver == null)) {
          closeDelivered = true;
          status = closeStatus;
          trailers = closeTrailers;
        } else if (headersToDeliver != null) {
          headers = headersToDeliver;
          headersToDeliver = null;
        } else if (readyToDeliver) {
          readyToDeliver = false;
          ready = true;
        } else if (requested > 0 && !messages.isEmpty()) {
          requested--;
          next = messages.poll();
          unacknowledged += next.framedBytes();
          if (unacknowledged >= H2Connection.RECEIVE_WINDOW / 2) {
            acknowledge = unacknowledged;
            unacknowledged = 0;
          }
        } else {
          delivering = false;
          return;
        }
      }
      if (status != null) {
        if (counted) {
          channel.callClosed();
        }
        listener.onClose(status, trailers);
        continue;
      }
      try {
        if (headers != null) {
          listener.onHeaders(headers);
        } else if (ready) {
          listener.onReady();
        } else {
          if (acknowledge > 0) {
            connection.acknowledge(stream, acknowledge);
          }
          R parsed;
          try {
            parsed = method.parseResponse(new ByteArrayInputStream(next.bytes()));
          } catch (RuntimeException e) {
            fail(Status.CANCELLED.withDescription("cannot parse berthd's answer").withCause(e));
            continue;
          }
          listener.onMessage(parsed);
        }
      } catch (RuntimeException e) {
        fail(Status.CANCELLED.withDescription("the call's listener failed").withCause(e));
      }
    }
  }

  /** A whole message and the DATA bytes that carried it. */
  private record Inbound(byte[] bytes, int framedBytes) {}

  /** The call's stream, as the connection's reader thread sees it. */
  private final class Stream extends H2Stream {
    @Override
    void headers(HeaderBlocks.Decoded decoded, boolean endStream) {
      boolean first;
      synchronized (H2Call.this) {
        first = !headersSeen;
        headersSeen = true;
      }
      if (first && !endStream) {
        if (!"200".equals(decoded.httpStatus())) {
          fail(httpStatus(decoded.httpStatus()));
          return;
        }
        synchronized (H2Call.this) {
          headersToDeliver = decoded.metadata();
        }
        deliverLater();
        return;
      }
      Metadata trailers = decoded.metadata();
      Status status = trailers.get(InternalStatus.CODE_KEY);
      if (status == null) {
        status = first && !"200".equals(decoded.httpStatus()) ? httpStatus(decoded.httpStatus())
            : Status.UNKNOWN.withDescription("berthd's answer ended without a grpc-status");
      } else {
        String description = trailers.get(InternalStatus.MESSAGE_KEY);
        if (description != null) {
          status = status.withDescription(description);
        }
      }
      trailers.discardAll(InternalStatus.CODE_KEY);
      trailers.discardAll(InternalStatus.MESSAGE_KEY);
      synchronized (H2Call.this) {
        if (prefixFill > 0 || message != null) {
          status = Status.INTERNAL.withDescription("berthd's answer ended inside a message");
        }
      }
      close(status, trailers, false);
    }

    @Override
    void data(byte[] bytes, int offset, int length, int frameLength) {
      Status failure = null;
      int acknowledge = 0;
      synchronized (H2Call.this) {
        if (closeStatus != null) {
          return;
        }
        framedBytes += frameLength;
        int i = offset;
        int end = offset + length;
        while (i < end && failure == null) {
          if (message == null) {
            int n = Math.min(PREFIX_BYTES - prefixFill, end - i);
            System.arraycopy(bytes, i, prefix, prefixFill, n);
            prefixFill += n;
            i += n;
            if (prefixFill == PREFIX_BYTES) {
              failure = startMessage();
            }
          }
          if (message != null) {
            int n = Math.min(message.length - messageFill, end - i);
            System.arraycopy(bytes, i, message, messageFill, n);
            messageFill += n;
            i += n;
            if (messageFill == message.length) {
              messages.add(new Inbound(message, framedBytes));
              framedBytes = 0;
              message = null;
            }
          }
        }
        // a message as large as the window would wait forever for its own end: what is held of
        // one (at most the largest message taken) is given back as it arrives
        if (message != null && framedBytes >= H2Connection.RECEIVE_WINDOW / 2) {
          acknowledge = framedBytes;
          framedBytes = 0;
        }
      }
      if (acknowledge > 0) {
        connection.acknowledge(stream, acknowledge);
      }
      if (failure != null) {
        fail(failure);
      } else {
        deliverLater();
      }
    }

    /** Reads a message's prefix; a failure if its message cannot be taken. */
    private Status startMessage() {
      prefixFill = 0;
      if (prefix[0] != 0) {
        return Status.INTERNAL.withDescription("berthd sent a compressed message, which berthctl did not ask for");
      }
      long length = ((prefix[1] & 0xffL) << 24) | ((prefix[2] & 0xff) << 16) | ((prefix[3] & 0xff) << 8)
          | (prefix[4] & 0xff);
      if (length > MessageLimits.MAX_MESSAGE_BYTES) {
        return Status.RESOURCE_EXHAUSTED.withDescription(
            "berthd's answer of " + length + " bytes is larger than " + MessageLimits.MAX_MESSAGE_BYTES);
      }
      message = new byte[(int) length];
      messageFill = 0;
      return null;
    }

    @Override
    void endOfStream() {
      close(Status.INTERNAL.withDescription("berthd ended the stream without trailers"), new Metadata(), true);
    }

    @Override
    void reset(int errorCode) {
      if (errorCode == H2Connection.CANCEL && deadlineExpired()) {
        // berthd's clock for the grpc-timeout header can run out before this side's timer fires:
        // the call still ended by its deadline, as grpc-java's own client reports it
        close(deadlineStatus(), new Metadata(), true);
        return;
      }
      Status status = errorCode == H2Connection.CANCEL ? Status.CANCELLED
          : errorCode == H2Connection.REFUSED_STREAM ? Status.UNAVAILABLE : Status.INTERNAL;
      close(status.withDescription("berthd reset the stream (HTTP/2 error " + errorCode + ")"), new Metadata(), true);
    }

    @Override
    void transportFailed(Status status) {
      close(status, new Metadata(), true);
    }
  }

  /** The status a non-200 HTTP answer stands for, as gRPC maps them. */
  private static Status httpStatus(String httpStatus) {
    Status.Code code = switch (httpStatus == null ? "" : httpStatus) {
      case "400", "431" -> Status.Code.INTERNAL;
      case "401" -> Status.Code.UNAUTHENTICATED;
      case "403" -> Status.Code.PERMISSION_DENIED;
      case "404" -> Status.Code.UNIMPLEMENTED;
      case "429", "502", "503", "504" -> Status.Code.UNAVAILABLE;
      default -> Status.Code.UNKNOWN;
    };
    return code.toStatus().withDescription("HTTP status " + httpStatus + " from berthd");
  }
}
