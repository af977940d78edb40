package dev.berth.tasks;

import com.google.protobuf.Timestamp;

/** What Delete and DeleteProcess answer: the process's id, pid, exit status and exit time. */
public record TaskDeletion(String id, int pid, int exitStatus, Timestamp exitedAt) {}
