/**
 * berthctl, the command line: {@link dev.berth.ctl.BerthCtl} (the root command, its global
 * options and the subcommands) and the commands that are no one area's (namespaces, events,
 * version), with one package per area below it ({@code container}, {@code image},
 * {@code content}, {@code network}, {@code volume}) and the shared {@code output} and
 * {@code terminal} handling.
 *
 * <p>A command is thin: it turns flags into a call of the client library
 * ({@link dev.berth.client}) or, where it is one request, of the gRPC API itself, and prints the
 * answer. What a Docker-style operation does (create with undo, start, stop, remove, image
 * import and export) lives in the client library, for any Java client to reuse; label keys and
 * value grammars come from {@link dev.berth.api.labels}. berthctl reaches berthd only through
 * its socket ({@link dev.berth.ctl.Connection}) and never has server support on its class path
 * (the build enforces it).
 *
 * <p>A failure reaches the user as one line on stderr ({@link dev.berth.ctl.ErrorHandler}) and
 * an exit code: 1, as docker's commands fail, or 125 where docker's {@code run} and
 * {@code create} give it, printed then as those print it, with where help is
 * ({@link dev.berth.ctl.DockerExitCodes}).
 */
package dev.berth.ctl;
