package dev.berth.tasks.logs;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Where a task's init process is logged, and when it ended: once {@code ended} is done the
 * monitor has written its last line (conmon drains the output before it records the exit).
 */
public record TaskLog(Path file, CompletableFuture<?> ended) {}
