package dev.berth.tasks;

/** What deleting a task or an exec answers: the process's id (container or exec id), its pid and how it ended. */
public record TaskDeletion(String id, int pid, Exit exit) {}
