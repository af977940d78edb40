package dev.berth.tasks.logs;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Where a container's init processes are logged, and when the current one ended: once
 * {@code ended} is done the monitor has written its last line (conmon drains the output before
 * it records the exit); it is done from the start when the container has no task.
 */
public record TaskLog(Path file, CompletableFuture<?> ended) {}
