package dev.berth.ctl;

/**
 * The one place where a container named on the command line becomes the container id the
 * services are asked about. Arguments are taken as container ids, as given.
 */
final class ContainerArgument {
  private ContainerArgument() {}

  static String id(String argument) {
    return argument;
  }
}
