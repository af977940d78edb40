package dev.berth.ctl.container;

import dev.berth.linux.PrivateMountNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host directory a stopped container's snapshot, volumes and binds are mounted on for one
 * copy, in a mount namespace of this process's own ({@link PrivateMountNamespace}): no other mount
 * namespace, the host's included, ever sees those mounts, and they go with the namespace when the
 * copy ends or berthctl dies, Ctrl-C, SIGTERM and SIGKILL alike, so none is left holding the
 * container's snapshot (which {@code rm} would then fail on). Only the empty directories stay
 * after a SIGKILL.
 */
final class CopyRootDirectory implements AutoCloseable {
  private final Path top;
  private final PrivateMountNamespace namespace;
  private final Thread atExit = new Thread(this::removeAtExit, "berthctl-cp-remove");

  private CopyRootDirectory(Path top, PrivateMountNamespace namespace) {
    this.top = top;
    this.namespace = namespace;
  }

  static CopyRootDirectory create() throws IOException {
    Path top = Files.createTempDirectory("berthctl-cp");
    PrivateMountNamespace namespace;
    try {
      namespace = PrivateMountNamespace.create("berthctl-cp-mounts");
    } catch (IOException | RuntimeException e) {
      Files.delete(top);
      throw e;
    }
    CopyRootDirectory dir = new CopyRootDirectory(top, namespace);
    Runtime.getRuntime().addShutdownHook(dir.atExit);
    try {
      Files.createDirectory(dir.root());
      return dir;
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  /** Where the container's root file system goes. */
  Path root() {
    return top.resolve("rootfs");
  }

  /**
   * Runs {@code work}, which mounts and opens what the copy needs, in the copy's mount namespace;
   * what it opens is usable from any thread.
   */
  <T> T mountInside(PrivateMountNamespace.Work<T> work) throws IOException {
    return namespace.call(work);
  }

  /** Unmounts all mounted in it and removes it; the copy's descriptors in it should be closed first. */
  @Override
  public void close() throws IOException {
    namespace.close();
    removeDirectories();
    try {
      Runtime.getRuntime().removeShutdownHook(atExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook finds it released
    }
  }

  /**
   * On Ctrl-C or SIGTERM the mounts go with the process, so the namespace's thread, which may be
   * waiting on a berthd that stalls or in a mount, is not waited for: that would keep berthctl
   * from exiting. Only the directories are left to remove; the kernel takes a mount in another
   * namespace off a directory removed under it.
   */
  void removeAtExit() {
    try {
      removeDirectories();
    } catch (IOException e) {
      System.err.println("berthctl cp: could not remove " + top + ": " + e.getMessage());
    }
  }

  /** Whichever of close and the shutdown hook comes first removes them; the other finds them gone. */
  private void removeDirectories() throws IOException {
    Files.deleteIfExists(root());
    Files.deleteIfExists(top);
  }
}
