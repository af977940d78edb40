package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A directory taken as the root of every path resolved in it, by the kernel (openat2(2) with
 * RESOLVE_IN_ROOT): an absolute symlink, or {@code ..} above the top, stays inside it however its
 * files change meanwhile, and no {@code /proc} magic link leads out of it. A container's root
 * file system, seen from the host, is resolved as the container resolves it, and a process of the
 * container swapping a directory for a symlink to {@code /} cannot make the host reach its own files.
 */
public final class InRoot implements AutoCloseable {
  private static final long SYS_OPENAT2 = 437;
  private static final long RESOLVE_NO_MAGICLINKS = 0x02;
  private static final long RESOLVE_IN_ROOT = 0x10;
  /** openat2 answers EAGAIN when a rename elsewhere may have raced a ".."; it is safe to ask again. */
  private static final int ATTEMPTS = 64;
  /** As the kernel gives up on a path after 40 symlinks. */
  private static final int MAX_SYMLINKS = 40;
  private final FileHandle root;
  private final long resolution;

  private InRoot(FileHandle root) {
    this(root, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  }

  private InRoot(FileHandle root, long resolution) {
    this.root = root;
    this.resolution = resolution;
  }

  /**
   * The host's own root, its paths resolved as the host resolves them, /proc magic links
   * ({@code /proc/PID/root}) followed too: for the side of a copy the user names on the host,
   * through the same descriptor-based calls as a container's side.
   */
  public static InRoot host() throws ErrnoException {
    InRoot slash = open(Path.of("/"));
    return new InRoot(slash.root, 0);
  }

  /** Opens {@code directory} once (as the host resolves it: the caller names it) as the root. */
  public static InRoot open(Path directory) throws ErrnoException {
    try {
      return new InRoot(new FileHandle(LibC.open(FileNames.cString(directory.toString()),
          FileHandle.O_PATH | FileHandle.O_DIRECTORY | Syscalls.O_CLOEXEC, 0), "/"));
    } catch (LastErrorException e) {
      throw ErrnoException.of("open", directory.toString(), e);
    }
  }

  /**
   * The root of process {@code pid} as its mount namespace has it ({@code /proc/PID/root}), once
   * {@code stillIt} has confirmed, after the root was opened, that PID names the process the
   * caller means. /proc/PID is opened first and the root through it: that directory stays the
   * process it was opened as, so a process that ended before the check (its PID free for another)
   * fails it, and one that ended before the root was opened leaves nothing to open.
   * Empty when the process is not the one meant, or is gone: the caller asks again what it is.
   */
  public static Optional<InRoot> ofProcess(int pid, BooleanSupplier stillIt) throws ErrnoException {
    String procDir = "/proc/" + pid;
    int dir;
    try {
      dir = LibC.open(FileNames.cString(procDir), FileHandle.O_PATH | FileHandle.O_DIRECTORY | Syscalls.O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ErrnoException.ENOENT) {
        return Optional.empty();
      }
      throw ErrnoException.of("open", procDir, e);
    }
    try (FileHandle process = new FileHandle(dir, procDir)) {
      FileHandle root;
      try {
        root = new FileHandle(LibC.openat(dir, FileNames.cString("root"),
            FileHandle.O_PATH | FileHandle.O_DIRECTORY | Syscalls.O_CLOEXEC, 0), "/");
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.ENOENT || e.getErrorCode() == ErrnoException.ESRCH) {
          return Optional.empty();
        }
        throw ErrnoException.of("openat", procDir + "/root", e);
      }
      // asked after the root was opened, and the process found alive after the answer: it held
      // the PID all along, when the answer said the PID was the one meant
      if (stillIt.getAsBoolean() && alive(process)) {
        return Optional.of(new InRoot(root));
      }
      root.close();
      return Optional.empty();
    }
  }

  /** Whether the process whose /proc directory {@code process} is has not ended (its entries go, ESRCH, when it does). */
  private static boolean alive(FileHandle process) throws ErrnoException {
    try {
      Optional<FileHandle> stat = process.child("stat");
      stat.ifPresent(FileHandle::close);
      return stat.isPresent();
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ESRCH) {
        return false;
      }
      throw e;
    }
  }

  /** The root directory itself. */
  public FileHandle root() {
    return root;
  }

  /**
   * The file at {@code path} (absolute or not, both from the root), every symlink on the way
   * followed inside the root, and the last one too when {@code followLast}.
   */
  public FileHandle resolve(String path, boolean followLast) throws ErrnoException {
    long[] how = {FileHandle.O_PATH | Syscalls.O_CLOEXEC | (followLast ? 0 : FileHandle.O_NOFOLLOW), 0, resolution};
    byte[] name = FileNames.cString(path.isEmpty() ? "." : path);
    for (int attempt = 1; ; attempt++) {
      try {
        return new FileHandle((int) LibC.syscall(SYS_OPENAT2, root.fd(), name, how, 24), path);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EAGAIN || attempt == ATTEMPTS) {
          throw ErrnoException.of("openat2", path, e);
        }
      }
    }
  }

  /** As {@link #resolve}, empty when {@code path} leads nowhere (a name missing on the way, or a file taken for a directory). */
  public Optional<FileHandle> find(String path, boolean followLast) throws ErrnoException {
    try {
      return Optional.of(resolve(path, followLast));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT || e.errno() == ErrnoException.ENOTDIR) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * {@code path} as the root resolves it, written from the root: every symlink on the way read
   * through descriptors and replaced by what it points to (the last one too when
   * {@code followLast}, or when the path ends in '/', '.' or '..'); names past a missing one are
   * kept as they are. It names where a path leads (which mount holds it, what a message says);
   * what is done there goes through {@link #resolve}.
   */
  public String canonical(String path, boolean followLast) throws ErrnoException {
    int slash = path.lastIndexOf('/');
    String last = path.substring(slash + 1);
    if (!followLast && !last.isEmpty() && !last.equals(".") && !last.equals("..")) {
      String parent = canonical(path.substring(0, slash + 1), true);
      return parent.equals("/") ? "/" + last : parent + "/" + last;
    }
    Deque<String> todo = new ArrayDeque<>(Arrays.asList(path.split("/")));
    Deque<String> done = new ArrayDeque<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String name = todo.removeFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        done.pollLast();
        continue;
      }
      String target = null;
      Optional<FileHandle> found = find(join(done) + "/" + name, false);
      if (found.isPresent()) {
        try (FileHandle h = found.get()) {
          if (h.stat().isSymbolicLink()) {
            target = h.readLink();
          }
        } catch (ErrnoException e) {
          // a /proc link naming a process this one cannot see (/proc/self, seen from the host) leads nowhere
          if (e.errno() != ErrnoException.ENOENT) {
            throw e;
          }
        }
      }
      if (target == null) {
        done.addLast(name);
        continue;
      }
      if (++links > MAX_SYMLINKS) {
        throw new ErrnoException("readlinkat", path, ErrnoException.ELOOP);
      }
      if (target.startsWith("/")) {
        done.clear();
      }
      String[] parts = target.split("/");
      for (int i = parts.length - 1; i >= 0; i--) {
        todo.addFirst(parts[i]);
      }
    }
    return join(done);
  }

  private static String join(Deque<String> names) {
    return names.isEmpty() ? "/" : "/" + String.join("/", names);
  }

  @Override
  public void close() {
    root.close();
  }
}
