package dev.berth.tasks;

import java.time.Instant;

/** How and when a process ended: its exit status (128 + signal when killed) and the time it ended. */
public record Exit(int status, Instant at) {}
