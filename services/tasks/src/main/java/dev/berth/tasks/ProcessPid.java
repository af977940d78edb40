package dev.berth.tasks;

import java.util.Optional;

/** A process in a task's cgroup; the exec id when it is an exec's own process. */
public record ProcessPid(int pid, Optional<String> execId) {}
