package dev.berth.tasks;

import dev.berth.tasks.io.ProcessIo;
import java.util.Optional;

/**
 * A process of a task as it is at one moment: {@code id} is the container id for the init
 * process and the exec id for an exec; {@code exit} is there once it has ended.
 */
public record ProcessState(String containerId, String id, int pid, ProcessStatus status, ProcessIo io,
    Optional<Exit> exit) {}
