package dev.berth.ctl.container;

import dev.berth.client.containers.HostCommands;
import dev.berth.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host directory a stopped container's snapshot, volumes and binds are mounted in for one
 * copy. It is a private mount of its own before anything goes on it, so on a host whose /tmp is
 * shared (systemd makes / shared) none of the copy's mounts appears in another mount namespace.
 * Everything mounted in it goes when it is closed, and when berthctl is stopped by a signal
 * (Ctrl-C, SIGTERM) mid-copy, so no mount is left holding the container's snapshot (which
 * {@code rm} would then fail on). SIGKILL leaves them, as it leaves any process's mounts.
 */
final class CopyRootDirectory implements AutoCloseable {
  private final Path top;
  private final Thread atExit = new Thread(this::detachAtExit, "berthctl-cp-unmount");
  private boolean released;

  private CopyRootDirectory(Path top) {
    this.top = top;
  }

  static CopyRootDirectory create() throws IOException {
    Path top = Files.createTempDirectory("berthctl-cp");
    try {
      HostCommands.makePrivateMountPoint(top);
    } catch (IOException | RuntimeException e) {
      // the bind may have been made before making it private failed
      HostCommands.unmountTree(top);
      Files.delete(top);
      throw e;
    }
    CopyRootDirectory dir = new CopyRootDirectory(top);
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

  /** Unmounts all mounted in it and removes it; the copy's descriptors in it must be closed first. */
  @Override
  public void close() throws IOException {
    release(false);
    try {
      Runtime.getRuntime().removeShutdownHook(atExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook finds it released
    }
  }

  /**
   * On a signal the copy may still be using its files: their mounts are detached (MNT_DETACH,
   * all under {@code top} with it), gone from every mount namespace at once and freed when the
   * process's descriptors close as it exits.
   */
  private void detachAtExit() {
    try {
      release(true);
    } catch (IOException e) {
      System.err.println("berthctl cp: could not unmount " + top + ": " + e.getMessage());
    }
  }

  /** Once, whichever of close and the shutdown hook comes first; the other waits for it to finish. */
  private synchronized void release(boolean detach) throws IOException {
    if (released) {
      return;
    }
    released = true;
    if (detach) {
      Syscalls.unmount(top, Syscalls.MNT_DETACH);
    } else {
      HostCommands.unmountTree(top);
    }
    Files.deleteIfExists(root());
    Files.delete(top);
  }
}
