package dev.berth.client.containers;

import java.util.List;

/** Docker's {@code --init}: a small init that runs the container's command as its child. */
public final class InitProcess {
  /** Where the init is inside the container, as Docker puts it. */
  public static final String PATH = "/sbin/docker-init";

  private InitProcess() {}

  /**
   * The command the user asked for: the process's {@code args} without the init before them, as
   * Docker shows a container's command ({@code ps}, {@code inspect}'s Path and Args).
   */
  public static List<String> userCommand(List<String> args) {
    return args.size() >= 2 && args.get(0).equals(PATH) && args.get(1).equals("--") ? args.subList(2, args.size()) : args;
  }
}
