package dev.berth.ctl.output;

import picocli.CommandLine.Option;

/** {@code --format table|json}, mixed into every command that prints a listing or an object. */
public final class FormatOption {
  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default) or json")
  Output.Format format;

  public boolean json() {
    return format == Output.Format.JSON;
  }
}
