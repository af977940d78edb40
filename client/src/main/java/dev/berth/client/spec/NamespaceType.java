package dev.berth.client.spec;

/** The Linux namespaces a container can have, by the names the OCI runtime spec gives them. */
public enum NamespaceType {
  PID("pid"), NETWORK("network"), MOUNT("mount"), IPC("ipc"), UTS("uts"), USER("user"), CGROUP("cgroup");

  private final String ociName;

  NamespaceType(String ociName) {
    this.ociName = ociName;
  }

  /** The {@code linux.namespaces[].type} value. */
  public String ociName() {
    return ociName;
  }
}
