package dev.berth.ctl.output;

/**
 * What each command's {@code --format} template runs over in Docker's CLI, by its Go type: Go's
 * error for a field the row lacks names it ({@code can't evaluate field Foo in type
 * *formatter.ContainerContext}), so berthctl's words match Docker's.
 */
public enum TemplateContext {
  CONTAINERS("*formatter.ContainerContext"),
  IMAGES("*formatter.imageContext"),
  HISTORY("*image.historyContext"),
  STATS("*container.statsContext"),
  NETWORKS("*network.networkContext"),
  VOLUMES("*formatter.volumeContext"),
  /** {@code system df}: its first row, the images', is the one a template naming no field fails on. */
  DISK_USAGE("*formatter.diskUsageImagesContext"),
  /** {@code events}: Docker tries the template on an empty message before it waits for any. */
  EVENTS("*events.Message"),
  INFO("system.dockerInfo"),
  VERSION("system.versionInfo");

  private final String goType;

  TemplateContext(String goType) {
    this.goType = goType;
  }

  /** The Go type, as Go's template errors print it. */
  String goType() {
    return goType;
  }
}
