package dev.berth.restart;

/** A container, by namespace and id. */
record ContainerKey(String namespace, String id) {
  @Override
  public String toString() {
    return "container " + id + " in namespace " + namespace;
  }
}
