package dev.berth.ctl;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output was closed by its reader ({@code berthctl ps | head -1}). Docker's CLI is then
 * ended by SIGPIPE, quietly; berthctl ends quietly too, with the code a shell reports for that
 * (128 + 13). Thrown unchecked so that it passes through {@link java.io.PrintWriter}, which would
 * swallow the IOException and keep a command such as {@code events} writing into nothing.
 */
public final class BrokenPipe extends RuntimeException {
  public static final int EXIT = 141;

  BrokenPipe(IOException cause) {
    super("output pipe closed", cause, false, false);
  }

  /** {@code out}, whose writes throw {@link BrokenPipe} when the reader has gone. */
  static OutputStream guard(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        try {
          out.write(b);
        } catch (IOException e) {
          throw translated(e);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          throw translated(e);
        }
      }

      @Override
      public void flush() throws IOException {
        try {
          out.flush();
        } catch (IOException e) {
          throw translated(e);
        }
      }
    };
  }

  private static IOException translated(IOException e) {
    if (e.getMessage() != null && e.getMessage().contains("Broken pipe")) {
      throw new BrokenPipe(e);
    }
    return e;
  }
}
