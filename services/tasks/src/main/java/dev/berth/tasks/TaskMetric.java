package dev.berth.tasks;

import com.google.protobuf.Any;
import java.time.Instant;

/** A task's cgroup statistics at {@code at}: containerd's cgroup v1 or v2 metrics message. */
public record TaskMetric(String id, Instant at, Any data) {}
