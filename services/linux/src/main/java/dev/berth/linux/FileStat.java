package dev.berth.linux;

import java.time.Instant;

/** What statx(2) says of a file, never of what a symlink points to: type and permission bits, owners, size, times. */
public record FileStat(int mode, int uid, int gid, long size, Instant modified, int deviceMajor, int deviceMinor) {
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;

  public boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  public boolean isRegularFile() {
    return (mode & S_IFMT) == S_IFREG;
  }

  public boolean isSymbolicLink() {
    return (mode & S_IFMT) == S_IFLNK;
  }

  /** The twelve permission bits, setuid, setgid and sticky included. */
  public int permissions() {
    return mode & 07777;
  }
}
