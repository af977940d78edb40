package dev.berth.tasks;

import dev.berth.tasks.runtime.RuntimeConfig;
import java.nio.file.Path;

/**
 * Where task state lives (a tmpfs such as /run/berth in production: bundles, monitors' files,
 * logs, runtime state) and which programs run containers.
 */
public record TasksConfig(Path state, RuntimeConfig runtime) {}
