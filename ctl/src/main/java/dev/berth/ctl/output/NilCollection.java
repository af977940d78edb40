package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.node.NullNode;

/**
 * A nil slice or map of Docker's types, which JSON writes as null: Go's templates print it empty
 * ({@code []}, {@code map[]}) where a nil pointer prints {@code <nil>}, while {@code json} still
 * writes {@code null}. Being a JSON null otherwise, it is false, of length 0 and ranges over nothing.
 */
final class NilCollection extends NullNode {
  private static final long serialVersionUID = 1L;

  static final NilCollection SLICE = new NilCollection("[]");
  static final NilCollection MAP = new NilCollection("map[]");
  /** A nil map of strings ({@code Labels}): Go's {@code index} of it is the empty string, not no value. */
  static final NilCollection STRING_MAP = new NilCollection("map[]");

  private final String printed;

  private NilCollection(String printed) {
    this.printed = printed;
  }

  /** How Go's fmt prints it. */
  String printed() {
    return printed;
  }

  @Override
  public boolean equals(Object o) {
    return o == this;
  }

  @Override
  public int hashCode() {
    return printed.hashCode();
  }
}
