package dev.berth.ctl.terminal;

import java.io.ByteArrayOutputStream;

/**
 * Docker's detach key sequence ({@code --detach-keys}, default {@code ctrl-p,ctrl-q}), read as
 * Docker's daemon reads it (moby/term's ToBytes): keys separated by commas, each one byte (an
 * ASCII character), {@code ctrl-} and a lower-case letter or one of {@code @ [ \ ] ^ _}, or
 * {@code DEL}. Typed on a terminal's stdin, the sequence detaches instead of reaching the process;
 * a prefix of it that is not completed is passed on as typed.
 */
public final class DetachKeys {
  public static final String DEFAULT = "ctrl-p,ctrl-q";
  /** No sequence: everything typed reaches the process (a process berthctl cannot leave running). */
  public static final DetachKeys NONE = new DetachKeys(new byte[0]);
  /** Docker's control keys, each at its code. */
  private static final String CONTROLS = "@abcdefghijklmnopqrstuvwxyz[\\]^_";
  private static final byte DEL = 127;

  private final byte[] keys;
  private int matched;

  private DetachKeys(byte[] keys) {
    this.keys = keys;
  }

  /**
   * The sequence {@code spec} names, as attach, run and start take it; one that is malformed is
   * refused in Docker's daemon's words for an attach, {@code Invalid detach keys (SPEC) provided};
   * an empty one is the default.
   */
  public static DetachKeys parse(String spec) {
    return parse(spec, "detach");
  }

  /** As {@link #parse}, for exec, whose refusal is Docker's daemon's {@code Invalid escape keys (SPEC) provided}. */
  public static DetachKeys parseForExec(String spec) {
    return parse(spec, "escape");
  }

  private static DetachKeys parse(String spec, String kind) {
    if (spec.isEmpty()) {
      // Docker's daemon reads an empty value as no choice made: its default sequence
      return parse(DEFAULT, kind);
    }
    String[] parts = spec.split(",", -1);
    byte[] keys = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      int key = key(parts[i]);
      if (key < 0) {
        throw new InvalidDetachKeys("Invalid " + kind + " keys (" + spec + ") provided");
      }
      keys[i] = (byte) key;
    }
    return new DetachKeys(keys);
  }

  /** The key's byte, or -1: as Docker's, one byte is taken as it is, and names are case-sensitive. */
  private static int key(String part) {
    if (part.length() == 1 && part.charAt(0) < 0x80) {
      return part.charAt(0);
    }
    if (part.length() == 6 && part.startsWith("ctrl-")) {
      return CONTROLS.indexOf(part.charAt(5));
    }
    return part.equals("DEL") ? DEL : -1;
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
