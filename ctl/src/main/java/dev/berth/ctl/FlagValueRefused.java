package dev.berth.ctl;

/**
 * A flag's value refused as Docker's CLI refuses it while reading its flags (pflag): {@code
 * invalid argument "VALUE" for "FLAG" flag: } and the Go function's error, printed bare with where
 * help is and exit code 125 (see {@link ErrorHandler}). Thrown where berthctl reads the value, after
 * picocli has taken it as text.
 */
public final class FlagValueRefused extends RuntimeException {
  public FlagValueRefused(String flag, String value, String goError) {
    super("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + goError);
  }
}
