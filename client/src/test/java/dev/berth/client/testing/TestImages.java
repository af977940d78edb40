package dev.berth.client.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The images Berth's tests use, built from this host's busybox (Debian's busybox-static), so
 * nothing is pulled from a registry. Other modules' tests get them from berth-client's test-jar.
 *
 * <ul>
 *   <li>{@link #busybox()}: one layer, {@code /bin/busybox} with applet links, {@code /etc/passwd},
 *       {@code /etc/group} and the usual empty directories.
 *   <li>{@link #busyboxLayered()}: the same base, then a layer adding {@link #MOTD} and files under
 *       {@link #DATA_DIR}, then one deleting {@link #MOTD} (whiteout) and making {@link #DATA_DIR}
 *       opaque with only {@link #DATA_NEW_FILE} in it, and adding {@link #SHARED_NOTE} in a directory
 *       it implies.
 * </ul>
 */
public final class TestImages {
  public static final Path BUSYBOX_BINARY = Path.of("/bin/busybox");
  /** The applets linked to busybox in /bin. */
  public static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls", "sleep", "true", "hostname",
      "ip", "ping", "wget", "nc", "httpd", "ps", "id");
  public static final String BUSYBOX_NAME = "docker.io/library/busybox:latest";
  public static final String LAYERED_NAME = "docker.io/library/busybox-layered:latest";

  public static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
      + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
  public static final String GROUP = "root:x:0:\nnogroup:x:65534:\n";

  /** Added by the layered image's second layer, deleted by its third. */
  public static final String MOTD = "/etc/motd";
  /** Filled by the layered image's second layer, made opaque by its third. */
  public static final String DATA_DIR = "/srv/data";
  /** In {@link #DATA_DIR} after the second layer; hidden by the third. */
  public static final List<String> DATA_HIDDEN = List.of("/srv/data/old.txt", "/srv/data/keep/inner.txt");
  /** The one file the third layer puts in the opaque {@link #DATA_DIR}. */
  public static final String DATA_NEW_FILE = "/srv/data/new.txt";
  public static final String DATA_NEW_CONTENT = "new\n";
  /** Added by the second layer and kept: a sibling of the opaque directory. */
  public static final String SRV_KEPT_FILE = "/srv/readme.txt";
  /**
   * Made by the second layer (mode 1777, owned by 65534) and implied by the third, which adds
   * {@link #SHARED_NOTE} in it without listing the directory itself.
   */
  public static final String SHARED_DIR = "/srv/shared";
  public static final String SHARED_NOTE = "/srv/shared/note.txt";

  private TestImages() {}

  /** Whether this host has the busybox the images are made of. */
  public static boolean busyboxAvailable() {
    return Files.isRegularFile(BUSYBOX_BINARY) && Files.isExecutable(BUSYBOX_BINARY);
  }

  /** The busybox root file system as one layer: the base of the test images, and of others'. */
  public static TestLayer busyboxLayer() {
    if (!busyboxAvailable()) {
      throw new IllegalStateException(BUSYBOX_BINARY + " is missing: install Debian's busybox-static");
    }
    TestLayer layer = new TestLayer()
        .dir("bin", 0755)
        .hostFile("bin/busybox", BUSYBOX_BINARY, 0755);
    for (String applet : APPLETS) {
      layer.symlink("bin/" + applet, "busybox");
    }
    return layer
        .dir("dev", 0755)
        .dir("etc", 0755)
        .file("etc/passwd", PASSWD)
        .file("etc/group", GROUP)
        .dir("proc", 0555)
        .dir("root", 0700)
        .dir("sys", 0555)
        .dir("tmp", 01777)
        .dir("var", 0755);
  }

  public static TestImage busybox() {
    return TestImage.builder(BUSYBOX_NAME).layer(busyboxLayer()).build();
  }

  public static TestImage busyboxLayered() {
    TestLayer additions = new TestLayer()
        .dir("etc", 0755)
        .file("etc/motd", "welcome\n")
        .dir("srv", 0755)
        .file("srv/readme.txt", "kept\n")
        .dir("srv/data", 0755)
        .file("srv/data/old.txt", "old\n")
        .dir("srv/data/keep", 0755)
        .file("srv/data/keep/inner.txt", "inner\n")
        .dir("srv/shared", 01777, 65534, 65534);
    TestLayer removals = new TestLayer()
        .dir("etc", 0755)
        .whiteout("etc/motd")
        .dir("srv", 0755)
        .dir("srv/data", 0755)
        .opaque("srv/data")
        .file("srv/data/new.txt", DATA_NEW_CONTENT.getBytes(StandardCharsets.UTF_8), 0644)
        .file("srv/shared/note.txt", "note\n");
    return TestImage.builder(LAYERED_NAME).layer(busyboxLayer()).layer(additions).layer(removals).build();
  }
}
