package dev.berth.network;

import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.ContainerFilePaths;
import dev.berth.api.network.Dns;
import dev.berth.api.network.HostEntry;
import dev.berth.api.network.Mode;
import dev.berth.network.files.ContainerFiles;
import dev.berth.network.files.HostsFile;
import dev.berth.network.files.ResolvConf;
import dev.berth.network.store.NetworkStore;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps containers' /etc/hosts, /etc/hostname and /etc/resolv.conf in line with their
 * attachments. Hostname, domain name and resolvers come from a container's first attachment (the
 * one that set up its namespace); extra hosts from each (a later one's are the links given when it
 * was connected, which go with it). /etc/hosts is Docker's: the localhost lines,
 * the extra hosts, then the container's own address with its host name; on a user-defined
 * network also its name and aliases, and the other containers of the same containerd namespace
 * on it, by id, hostname and aliases (what Docker's DNS server answers there). A
 * container on a network with IPv6 has a second line, its IPv6 address with the same names. A
 * container that joined another's network namespace ({@code container:ID}) has that one's
 * /etc/hosts, as in Docker, where the two share the file.
 */
final class EtcFiles {
  private static final Logger LOG = Logger.getLogger(EtcFiles.class.getName());

  private final NetworkStore store;
  private final ContainerFiles files;

  EtcFiles(NetworkStore store, ContainerFiles files) {
    this.store = store;
    this.files = files;
  }

  /**
   * Writes a container's files for {@code mine}; {@code undo} restores what {@code before} had.
   * {@code resolvConf} is written with the first attachment; later ones keep it.
   */
  void write(List<AttachmentInfo> mine, List<AttachmentInfo> before, String resolvConf, Undo undo)
      throws IOException {
    AttachmentInfo first = mine.get(0);
    ContainerFilePaths paths = first.files();
    if (before.isEmpty()) {
      Optional<ContainerFiles.Contents> kept = files.read(paths);
      if (kept.isPresent()) {
        undo.add("files of " + first.containerId(), () -> files.rewrite(paths, kept.get()));
      } else {
        undo.add("files of " + first.containerId(), () -> files.delete(first.filesDirectory()));
      }
      files.write(paths, hosts(mine, List.of()), first.hostname(), resolvConf);
    } else {
      undo.add("/etc/hosts of " + first.containerId(), () -> files.rewriteHosts(paths, hosts(before, List.of())));
      files.rewriteHosts(paths, hosts(mine, List.of()));
    }
  }

  /**
   * Rewrites the resolv.conf of {@code first}'s container, which berthd wrote with {@code written}
   * (see {@link ResolvConf#tells}), to {@code switched} in place (the container has it bind-mounted), and the copies of the
   * containers that joined its network namespace, directly or through another joiner, which
   * Docker's share with it; {@code undo} puts them back. A file the container changed since is
   * left alone, as Docker leaves one a user modified: false then for {@code first}'s. A joiner's
   * copy that cannot be read or written leaves that joiner alone, logged.
   */
  boolean switchToResolver(AttachmentInfo first, Dns written, String switched, Undo undo) throws IOException {
    if (!switchResolvConf(first, written, switched, undo)) {
      return false;
    }
    for (AttachmentInfo joiner : joinersOf(first.namespace(), first.containerId(), store.attachments())) {
      try {
        switchResolvConf(joiner, written, switched, undo);
      } catch (IOException e) {
        LOG.warning("leaving the resolv.conf of " + joiner.namespace() + "/" + joiner.containerId() + ": "
            + e.getMessage());
      }
    }
    return true;
  }

  private boolean switchResolvConf(AttachmentInfo a, Dns written, String switched, Undo undo) throws IOException {
    ContainerFilePaths paths = a.files();
    Optional<String> before = files.readResolvConf(paths);
    if (!before.map(content -> ResolvConf.tells(content, written)).orElse(false)) {
      LOG.info("leaving the resolv.conf of " + a.namespace() + "/" + a.containerId() + " as the container changed it");
      return false;
    }
    undo.add("/etc/resolv.conf of " + a.containerId(), () -> files.rewriteResolvConf(paths, before.get()));
    files.rewriteResolvConf(paths, switched);
    return true;
  }

  /**
   * After {@code removed} left the store: the container's files go with its last attachment,
   * unless {@code keepFiles}. A running container has them bind-mounted, and a bind mount keeps
   * the inode it was made with: a network connected later must write into these same files for
   * the container to see them (Docker's stay with the container's sandbox).
   */
  void afterDetach(AttachmentInfo removed, boolean keepFiles) throws IOException {
    List<AttachmentInfo> left = store.attachments(removed.namespace(), removed.containerId());
    if (left.isEmpty() && !keepFiles) {
      files.delete(removed.filesDirectory());
    } else if (left.isEmpty()) {
      // Docker's: the container's own address lines go with its last network, its --add-host lines stay
      HostsFile hosts = new HostsFile();
      removed.extraHosts().forEach(e -> hosts.add(e.ip(), List.of(e.name())));
      files.rewriteHosts(removed.files(), hosts.render());
    } else {
      files.rewriteHosts(left.get(0).files(), hosts(left, List.of()));
    }
    refreshPeers(removed, List.of(removed));
  }

  /** After the names of {@code renamed}, one container's attachments, changed: its /etc/hosts and its peers'. */
  void afterRename(List<AttachmentInfo> renamed) {
    AttachmentInfo first = renamed.get(0);
    rewrite(first.namespace(), first.containerId(), List.of());
    renamed.forEach(a -> refreshPeers(a, List.of()));
  }

  /**
   * Rewrites /etc/hosts of the other containers on {@code changed}'s user-defined network;
   * {@code leaving} are not listed. Best effort: a peer whose file cannot be written is logged.
   */
  void refreshPeers(AttachmentInfo changed, List<AttachmentInfo> leaving) {
    if (!isUserDefined(changed)) {
      return;
    }
    List<AttachmentInfo> everyone = store.attachments();
    rewriteJoiners(changed.namespace(), changed.containerId(), everyone, leaving);
    for (AttachmentInfo peer : everyone) {
      if (peer.network().equals(changed.network()) && peer.namespace().equals(changed.namespace())
          && !peer.containerId().equals(changed.containerId())) {
        rewrite(peer.namespace(), peer.containerId(), leaving);
        rewriteJoiners(peer.namespace(), peer.containerId(), everyone, leaving);
      }
    }
  }

  /** Rewrites /etc/hosts of the containers that joined {@code owner}'s network namespace. */
  private void rewriteJoiners(String namespace, String owner, List<AttachmentInfo> everyone,
      List<AttachmentInfo> leaving) {
    for (AttachmentInfo a : joinersOf(namespace, owner, everyone)) {
      rewrite(a.namespace(), a.containerId(), leaving);
    }
  }

  /**
   * The {@code container:ID} attachments that share {@code owner}'s network namespace: those that
   * joined it and those that joined one of them, and so on (Docker's all share one set of files).
   */
  private static List<AttachmentInfo> joinersOf(String namespace, String owner, List<AttachmentInfo> everyone) {
    List<AttachmentInfo> joiners = new ArrayList<>();
    Set<String> seen = new HashSet<>(List.of(owner));
    Deque<String> owners = new ArrayDeque<>(List.of(owner));
    while (!owners.isEmpty()) {
      String next = owners.remove();
      for (AttachmentInfo a : everyone) {
        if (a.mode() == Mode.CONTAINER && a.namespace().equals(namespace) && next.equals(ownerOf(a))
            && seen.add(a.containerId())) {
          joiners.add(a);
          owners.add(a.containerId());
        }
      }
    }
    return joiners;
  }

  /** Best effort: a container whose file cannot be written is logged. */
  private void rewrite(String namespace, String containerId, List<AttachmentInfo> leaving) {
    List<AttachmentInfo> theirs = store.attachments(namespace, containerId);
    if (theirs.isEmpty()) {
      return;
    }
    try {
      files.rewriteHosts(theirs.get(0).files(), hosts(theirs, leaving));
    } catch (IOException e) {
      LOG.warning("updating /etc/hosts of " + namespace + "/" + containerId + ": " + e.getMessage());
    }
  }

  /**
   * The attachments of the container whose network namespace {@code joined} shares, following a
   * joiner of a joiner back to it; empty if that container is gone (or the chain loops).
   */
  private List<AttachmentInfo> namespaceOwner(AttachmentInfo joined) {
    Set<String> seen = new HashSet<>();
    List<AttachmentInfo> owners = List.of(joined);
    while (!owners.isEmpty() && owners.get(0).mode() == Mode.CONTAINER) {
      if (!seen.add(owners.get(0).containerId())) {
        return List.of();
      }
      owners = store.attachments(joined.namespace(), ownerOf(owners.get(0)));
    }
    return owners;
  }

  /** The container whose network namespace a {@code container:ID} attachment joined. */
  private static String ownerOf(AttachmentInfo joined) {
    return joined.network().substring(joined.network().indexOf(':') + 1);
  }

  private String hosts(List<AttachmentInfo> mine, List<AttachmentInfo> leaving) {
    AttachmentInfo first = mine.get(0);
    if (first.mode() == Mode.CONTAINER) {
      List<AttachmentInfo> owners = namespaceOwner(first);
      if (!owners.isEmpty()) {
        return hosts(owners, leaving);
      }
    }
    HostsFile hosts = new HostsFile();
    // Docker's order: the --add-host lines, then the container's own; the container's own
    // --add-host entries come with each of its attachments (so none takes them away), once here
    Set<HostEntry> added = new HashSet<>();
    for (AttachmentInfo a : mine) {
      for (HostEntry e : a.extraHosts()) {
        if (added.add(e)) {
          hosts.add(e.ip(), List.of(e.name()));
        }
      }
    }
    for (AttachmentInfo a : mine) {
      if (a.hasAddress()) {
        List<String> names = new ArrayList<>(HostsFile.ownNames(first.hostname(), first.domainname()));
        if (isUserDefined(a)) {
          // also what the embedded resolver answers, for programs that read only /etc/hosts (static binaries)
          names.addAll(a.aliases());
        }
        hosts.add(a.ip().toString(), names);
        if (a.ipv6() != null) {
          hosts.add(a.ipv6().ip().toString(), names);
        }
      }
    }
    List<AttachmentInfo> everyone = store.attachments();
    for (AttachmentInfo a : mine) {
      if (!isUserDefined(a)) {
        continue;
      }
      for (AttachmentInfo peer : everyone) {
        if (peer.network().equals(a.network()) && peer.namespace().equals(a.namespace())
            && !peer.containerId().equals(a.containerId()) && peer.hasAddress() && !leaving.contains(peer)) {
          List<String> names = new ArrayList<>(List.of(peer.containerId(), peer.hostname()));
          names.addAll(peer.aliases());
          hosts.add(peer.ip().toString(), names);
          if (peer.ipv6() != null) {
            hosts.add(peer.ipv6().ip().toString(), names);
          }
        }
      }
    }
    return hosts.render();
  }

  /** Docker's rule: containers find each other by name on user-defined networks, not on the default one. */
  private boolean isUserDefined(AttachmentInfo a) {
    return a.mode() == Mode.BRIDGE && store.network(a.network()).map(n -> !n.isDefault()).orElse(false);
  }
}
