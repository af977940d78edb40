package dev.berth.tasks.attach;

import java.nio.file.Path;

/**
 * A running process's attach socket (its monitor's), whether the process has a terminal, and
 * whether stdin sent there reaches it: only when the monitor holds the process's stdin for
 * attaching clients, not when the client that started it owns it.
 */
public record AttachPoint(String who, Path socket, boolean terminal, boolean stdin) {}
