package dev.berth.ctl.output;

/**
 * Why evaluating a template failed, in Go's words without its position ({@code error calling
 * index: index out of range: 5}); {@link Template} adds where, as Go's text/template does.
 */
final class TemplateError extends RuntimeException {
  /** Which part of the template Go names for the failure. */
  enum Where {
    /** The part evaluated last (a field, a variable, an argument). */
    CURRENT,
    /** The function's name: a wrong number of arguments, found before they are evaluated. */
    FUNCTION,
    /** The whole command: a function that failed when called. */
    COMMAND
  }

  private final Where where;

  TemplateError(String message) {
    this(message, Where.CURRENT);
  }

  TemplateError(String message, Where where) {
    super(message, null, false, false);
    this.where = where;
  }

  Where where() {
    return where;
  }
}
