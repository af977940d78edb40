package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A nil slice or map of Docker's types, which JSON writes as null: Go's templates print it empty
 * ({@code []}, {@code map[]}) where a nil pointer prints {@code <nil>}, while {@code json} still
 * writes {@code null}. Being a JSON null otherwise, it is false, of length 0 and ranges over nothing.
 */
final class NilCollection extends NullNode {
  private static final long serialVersionUID = 1L;

  static final NilCollection SLICE = new NilCollection("[]", MissingNode.getInstance());
  /** A nil map whose values have no zero a template prints (interfaces): Go's {@code index} of it is no value. */
  static final NilCollection MAP = new NilCollection("map[]", MissingNode.getInstance());
  /** A nil map of strings ({@code Labels}): Go's {@code index} of it is the empty string, not no value. */
  static final NilCollection STRING_MAP = new NilCollection("map[]", TextNode.valueOf(""));
  /** A nil map of pointers ({@code NetworkSettings.Networks}): Go's {@code index} of it is a nil pointer. */
  static final NilCollection POINTER_MAP = new NilCollection("map[]", NullNode.getInstance());
  /** A nil map of slices ({@code nat.PortMap}): Go's {@code index} of it is a nil slice. */
  static final NilCollection SLICE_MAP = new NilCollection("map[]", SLICE);

  private final String printed;
  private final JsonNode elementZero;

  private NilCollection(String printed, JsonNode elementZero) {
    this.printed = printed;
    this.elementZero = elementZero;
  }

  /** How Go's fmt prints it. */
  String printed() {
    return printed;
  }

  /** What Go's {@code index} of it gives: the zero value of its elements (a missing node for no value). */
  JsonNode elementZero() {
    return elementZero;
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
