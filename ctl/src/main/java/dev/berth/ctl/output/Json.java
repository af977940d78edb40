package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * berthctl's one Jackson mapper, made on first use: making one costs a cold JVM a few hundred
 * milliseconds, which commands that print no JSON should not pay.
 */
public final class Json {
  private Json() {}

  public static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  /** Initialised, and the mapper made, only when {@link #mapper()} is first called. */
  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
