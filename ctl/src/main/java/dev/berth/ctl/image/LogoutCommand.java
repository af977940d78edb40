package dev.berth.ctl.image;

import dev.berth.client.registry.RegistryCredentials;
import dev.berth.ctl.BerthCtl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl logout}: forgets the credentials kept for a registry. */
@Command(name = "logout", description = "Forget the credentials 'berthctl login' kept for a registry.",
    footerHeading = "%nExamples:%n", footer = {"  berthctl logout registry.example:5000"})
public final class LogoutCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Parameters(index = "0", paramLabel = "REGISTRY", arity = "0..1", defaultValue = "docker.io",
      description = "the registry host (default: ${DEFAULT-VALUE})")
  String registry;

  @Override
  public Integer call() {
    RegistryCredentials credentials = root.registryCredentials();
    String host = registry.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    credentials.remove(host);
    // also when none were kept, as Docker (20.10 and later) says it
    root.out().println("Removing login credentials for " + host);
    return 0;
  }
}
