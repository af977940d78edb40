package dev.berth.ctl.flags;

import picocli.CommandLine.TypeConversionException;

/**
 * The error Docker's CLI gets from a flag's value type (Go's {@code strconv}, {@code go-units},
 * its {@code opts}), word for word. Thrown while picocli reads the flag, so the command line is
 * refused before anything is done, in pflag's words ({@code invalid argument "V" for "-c,
 * --cpu-shares" flag: ...}, see {@link PflagRefusal}).
 */
public final class GoValueError extends TypeConversionException {
  public GoValueError(String goError) {
    super(goError);
  }
}
