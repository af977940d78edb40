package dev.berth.tasks;

import java.time.Instant;

/** How and when a process ended: conmon's status (128 + signal when killed) and the time it wrote it. */
record Exit(int status, Instant at) {}
