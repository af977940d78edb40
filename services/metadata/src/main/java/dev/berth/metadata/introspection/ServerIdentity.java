package dev.berth.metadata.introspection;

import dev.berth.api.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who this server is: a UUID made on first start and kept in the root directory (clients use it
 * to tell one daemon's state from another's, so it must survive restarts), and the process's
 * pid and pid namespace.
 */
public record ServerIdentity(UUID uuid, long pid, long pidNamespace) {
  private static final Logger LOG = Logger.getLogger(ServerIdentity.class.getName());
  private static final Pattern NAMESPACE_INODE = Pattern.compile("pid:\\[(\\d+)]");

  /** Reads the UUID kept in {@code root}, or makes and keeps one there if there is none. */
  public static ServerIdentity load(Path root) throws IOException {
    Path file = root.resolve("introspection").resolve("uuid");
    UUID uuid;
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        uuid = UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        throw new IOException("server uuid file " + file + " does not hold a UUID; remove it to make a new one", e);
      }
    } catch (NoSuchFileException e) {
      uuid = UUID.randomUUID();
      AtomicFiles.write(file, (uuid + "\n").getBytes(StandardCharsets.US_ASCII));
      LOG.info("new server uuid " + uuid + " kept in " + file);
    }
    return new ServerIdentity(uuid, ProcessHandle.current().pid(), currentPidNamespace());
  }

  /** The inode of this process's pid namespace, as containerd reports it; 0 where /proc does not tell. */
  private static long currentPidNamespace() {
    try {
      Matcher m = NAMESPACE_INODE.matcher(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
      return m.matches() ? Long.parseLong(m.group(1)) : 0;
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }
}
