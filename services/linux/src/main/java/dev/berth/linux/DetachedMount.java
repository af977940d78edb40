package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;

/**
 * A copy of a mount tree attached nowhere yet (open_tree(2) with OPEN_TREE_CLONE), then attached
 * onto a directory or file given by its descriptor (move_mount(2)), never by a path: where it goes
 * is the file the descriptor was opened on, whatever that path leads to meanwhile. A copy never
 * attached is unmounted when closed.
 */
public final class DetachedMount implements AutoCloseable {
  private static final long SYS_OPEN_TREE = 428;
  private static final long SYS_MOVE_MOUNT = 429;
  private static final long SYS_MOUNT_SETATTR = 442;
  private static final long OPEN_TREE_CLONE = 1;
  private static final long AT_FDCWD = -100;
  private static final long AT_EMPTY_PATH = 0x1000;
  private static final long AT_RECURSIVE = 0x8000;
  private static final long MOVE_MOUNT_F_EMPTY_PATH = 0x04;
  private static final long MOVE_MOUNT_T_EMPTY_PATH = 0x40;
  private static final long MOUNT_ATTR_RDONLY = 0x1;
  /** struct mount_attr's size, the first version: four u64. */
  private static final long MOUNT_ATTR_SIZE = 32;
  private static final byte[] EMPTY = {0};
  private final int fd;
  private final String source;

  private DetachedMount(int fd, String source) {
    this.fd = fd;
    this.source = source;
  }

  /**
   * A copy of the mounts at {@code source} (as the host resolves it) and every mount under it,
   * as a recursive bind would copy them, but private: nothing mounted on the copy propagates back
   * to {@code source}'s peers, and nothing mounted there reaches the copy.
   */
  public static DetachedMount copyOf(Path source) throws ErrnoException {
    int fd;
    try {
      fd = (int) LibC.syscall(SYS_OPEN_TREE, AT_FDCWD, FileNames.cString(source.toString()),
          OPEN_TREE_CLONE | AT_RECURSIVE | Syscalls.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw ErrnoException.of("open_tree", source.toString(), e);
    }
    DetachedMount copy = new DetachedMount(fd, source.toString());
    try {
      copy.setAttributes(0, MountOptions.MS_PRIVATE);
    } catch (ErrnoException e) {
      copy.close();
      throw e;
    }
    return copy;
  }

  /** Makes the copy and every mount in it read-only. */
  public void makeReadOnly() throws ErrnoException {
    setAttributes(MOUNT_ATTR_RDONLY, 0);
  }

  /**
   * Mounts the copy on {@code target}, the very file its descriptor holds: a directory for a copy
   * of a directory, any other file for a copy of a file.
   */
  public void attachTo(FileHandle target) throws ErrnoException {
    try {
      LibC.syscall(SYS_MOVE_MOUNT, fd, EMPTY, target.fd(), EMPTY, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    } catch (LastErrorException e) {
      throw ErrnoException.of("move_mount", source + " on " + target.path(), e);
    }
  }

  private void setAttributes(long set, long propagation) throws ErrnoException {
    long[] attr = {set, 0, propagation, 0};
    try {
      LibC.syscall(SYS_MOUNT_SETATTR, fd, EMPTY, AT_EMPTY_PATH | AT_RECURSIVE, attr, MOUNT_ATTR_SIZE);
    } catch (LastErrorException e) {
      throw ErrnoException.of("mount_setattr", source, e);
    }
  }

  /** Releases the descriptor: an attached copy stays mounted, one never attached goes. */
  @Override
  public void close() {
    Syscalls.close(fd);
  }
}
