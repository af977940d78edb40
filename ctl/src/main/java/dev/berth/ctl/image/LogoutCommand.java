package dev.berth.ctl.image;

import dev.berth.client.images.ImageNames;
import dev.berth.client.registry.RegistryCredentials;
import dev.berth.client.registry.RegistryHost;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl logout}: forgets the credentials kept for a registry. */
@Command(name = "logout", description = "Forget the credentials 'berthctl login' kept for a registry.",
    footerHeading = "%nExamples:%n", footer = {"  berthctl logout registry.example:5000", "  berthctl logout"})
public final class LogoutCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  /** What Docker's CLI names Docker Hub by when no registry is given (its IndexServer). */
  private static final String DOCKER_HUB_INDEX_SERVER = "https://index.docker.io/v1/";

  @Parameters(index = "0", paramLabel = "REGISTRY", arity = "0..1",
      description = "the registry host (default: Docker Hub)")
  String registry;

  @Override
  public Integer call() {
    RegistryCredentials credentials = root.registryCredentials();
    String host;
    try {
      // the key login kept them under, by the same rule
      host = registry == null ? ImageNames.DEFAULT_DOMAIN : RegistryHost.of(registry);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
    credentials.remove(host);
    // also when none were kept, as Docker (20.10 and later) says it: Docker Hub as its CLI names it
    // when no registry is given, else the host name as it was written
    root.out().println("Removing login credentials for " + (registry == null ? DOCKER_HUB_INDEX_SERVER
        : registry.replaceFirst("^https?://", "").replaceFirst("/.*$", "")));
    return 0;
  }
}
