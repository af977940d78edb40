package dev.berth.ctl.terminal;

import dev.berth.ctl.CommandFailure;
import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Docker's detach key sequence ({@code --detach-keys}, default {@code ctrl-p,ctrl-q}): keys
 * separated by commas, each a single character or {@code ctrl-} followed by a letter or one of
 * {@code @ [ \ ] ^ _}. Typed on stdin, the sequence detaches instead of reaching the process; a
 * prefix of it that is not completed is passed on as typed.
 */
public final class DetachKeys {
  public static final String DEFAULT = "ctrl-p,ctrl-q";
  /** No sequence: everything typed reaches the process (a process berthctl cannot leave running). */
  public static final DetachKeys NONE = new DetachKeys(new byte[0]);

  private final byte[] keys;
  private int matched;

  private DetachKeys(byte[] keys) {
    this.keys = keys;
  }

  /** The sequence {@code spec} names; a {@link CommandFailure} for one that is malformed. */
  public static DetachKeys parse(String spec) {
    String[] parts = spec.split(",", -1);
    byte[] keys = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      keys[i] = key(parts[i], spec);
    }
    return new DetachKeys(keys);
  }

  private static byte key(String part, String spec) {
    if (part.length() == 1 && part.charAt(0) < 0x80) {
      return (byte) part.charAt(0);
    }
    String lower = part.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ctrl-") && lower.length() == 6) {
      char c = lower.charAt(5);
      if (c >= 'a' && c <= 'z') {
        return (byte) (c - 'a' + 1);
      }
      int special = "@[\\]^_".indexOf(c);
      if (special >= 0) {
        return (byte) (special == 0 ? 0 : 26 + special);
      }
    }
    throw new CommandFailure("invalid detach keys \"" + spec + "\": \"" + part
        + "\" is neither one character nor ctrl- with a letter or one of @[\\]^_");
  }

  /**
   * Copies {@code length} typed bytes to {@code pass} except those of the sequence; true when the
   * sequence was completed (what follows it in {@code typed} is dropped).
   */
  public boolean scan(byte[] typed, int length, ByteArrayOutputStream pass) {
    if (keys.length == 0) {
      pass.write(typed, 0, length);
      return false;
    }
    for (int i = 0; i < length; i++) {
      byte b = typed[i];
      if (b == keys[matched]) {
        matched++;
        if (matched == keys.length) {
          matched = 0;
          return true;
        }
        continue;
      }
      // a started sequence that breaks off was meant for the process
      pass.write(keys, 0, matched);
      matched = 0;
      if (b == keys[0]) {
        matched = 1;
        if (keys.length == 1) {
          matched = 0;
          return true;
        }
      } else {
        pass.write(b);
      }
    }
    return false;
  }
}
