package dev.berth.ctl.image;

import dev.berth.client.registry.RegistryCredentials;
import dev.berth.client.registry.TransferClient;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl login}: checks credentials with a registry and keeps them for pull and push. */
@Command(name = "login",
    description = "Log in to a registry: berthd checks the user name and password with it, then they are "
        + "kept in config.json (berthctl --config DIR, else $BERTH_CONFIG, else ~/.config/berth; mode 0600) "
        + "as Docker keeps them. "
        + "The password comes from --password-stdin, -p or a prompt that does not echo.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl login registry.example:5000", "  echo \"$TOKEN\" | berthctl login -u ci --password-stdin ghcr.io"})
public final class LoginCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "the user name (prompted for if not given)")
  String username;

  @Option(names = "--password-stdin", description = "read the password from stdin")
  boolean passwordStdin;

  @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
      description = "the password (seen by other users in the process list: prefer --password-stdin)")
  String givenPassword;

  @Option(names = "--insecure", description = "allow plain HTTP to this registry (loopback ones always are)")
  boolean insecure;

  @Parameters(index = "0", paramLabel = "REGISTRY", arity = "0..1", defaultValue = "docker.io",
      description = "the registry host (default: ${DEFAULT-VALUE})")
  String registry;

  @Override
  public Integer call() throws IOException {
    Console console = System.console();
    if (givenPassword != null && passwordStdin) {
      throw new CommandFailure("--password and --password-stdin are mutually exclusive");
    }
    if (givenPassword != null) {
      // Docker's warning, to stderr as its
      root.err().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
    }
    String user = username;
    if (user == null || user.isEmpty()) {
      if (console == null || passwordStdin || givenPassword != null) {
        throw new CommandFailure("no user name: give --username");
      }
      user = console.readLine("Username: ");
    }
    String password;
    if (givenPassword != null) {
      password = givenPassword;
    } else if (passwordStdin) {
      password = new BufferedReader(new InputStreamReader(root.io().in(), StandardCharsets.UTF_8)).readLine();
    } else {
      if (console == null) {
        throw new CommandFailure("no terminal to ask for the password: use --password-stdin");
      }
      char[] typed = console.readPassword("Password: ");
      password = typed == null ? null : new String(typed);
    }
    if (password == null || password.isEmpty()) {
      throw new CommandFailure("no password given");
    }
    RegistryCredentials credentials = root.registryCredentials();
    try (Connection c = root.connect()) {
      new TransferClient(c.channel(), credentials).login(registry, new RegistryCredentials.Login(user, password),
          insecure);
    } catch (StatusRuntimeException e) {
      throw refused(e);
    }
    // Docker's warning for its file store, the only store Berth has: the password is in the file, base64 alone
    root.err().println("WARNING! Your password will be stored unencrypted in " + credentials.file() + ".");
    root.out().println("Login Succeeded");
    return 0;
  }

  /**
   * The registry's answer, which berthd words as Docker's daemon does (`login attempt to URL
   * failed with status: …`), under the heading Docker's CLI gives it; a transport failure stays
   * berthctl's own.
   */
  private static RuntimeException refused(StatusRuntimeException e) {
    Status status = e.getStatus();
    boolean registrysAnswer = status.getCode() == Status.Code.PERMISSION_DENIED
        || status.getCode() == Status.Code.UNAVAILABLE && status.getCause() == null;
    return registrysAnswer ? new DaemonError(status.getDescription(), e) : e;
  }
}
