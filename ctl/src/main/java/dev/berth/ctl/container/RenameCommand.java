package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerActionEvents;
import dev.berth.client.containers.NetworkConnections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl rename}: a new name for a container. */
@Command(name = "rename", description = "Give a container a new name, unused in the namespace.",
    footerHeading = "%nExamples:%n", footer = {"  berthctl rename calm_anchor web"})
public final class RenameCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Parameters(index = "0", paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Parameters(index = "1", paramLabel = "NEW_NAME", description = "the new name")
  String newName;

  @Override
  public Integer call() throws InterruptedException {
    // as Docker's CLI: both names trimmed, and an empty one refused before the daemon is asked
    String oldName = container.strip();
    String name = newName.strip();
    if (oldName.isEmpty() || name.isEmpty()) {
      throw new CommandFailure("Error: Neither old nor new names may be empty");
    }
    try (Connection c = root.connect()) {
      // as Docker's CLI: its daemon's refusal, then a line of its own
      if (root.each(List.of(oldName), ErrorHandler.FAILURE, old -> rename(c, old, name)) != 0) {
        throw new CommandFailure("Error: failed to rename container named " + oldName);
      }
    }
    return 0;
  }

  private void rename(Connection c, String old, String newName) {
    // Docker's daemon's order: the container looked for first, then its own name, then the new name checked
    Container record = ContainerArgument.resolve(c.channel(), old);
    String canonical = newName.startsWith("/") ? newName : "/" + newName;
    String name = canonical.substring(1);
    if (name.equals(ContainerArgument.name(record))) {
      throw new DaemonError("Renaming a container with the same name as its current name");
    }
    // Docker's daemon's words, quoting the name with the slash it puts before it
    if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+")) {
      throw new DaemonError("Error when allocating new name: Invalid container name (" + canonical
          + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    for (Container other : c.containers().list("labels.\"" + ContainerLabels.NAME + "\"==\"" + name + "\"")) {
      if (!other.getId().equals(record.getId())) {
        throw new DaemonError("Error when allocating new name: Conflict. The container name \"/" + name
            + "\" is already in use by container \""
            + other.getId() + "\". You have to remove (or rename) that container to be able to reuse that name.");
      }
    }
    c.containers().updateLabels(record.getId(), Map.of(ContainerLabels.NAME, name));
    new NetworkConnections(c.channel()).renamed(record.getId(), ContainerArgument.name(record), name);
    new ContainerActionEvents(c.channel()).renamed(record.getId(), ContainerArgument.name(record), name);
  }
}
