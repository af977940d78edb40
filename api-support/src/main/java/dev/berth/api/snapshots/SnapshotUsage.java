package dev.berth.api.snapshots;

/** Disk space a snapshot's own layer takes: bytes and inodes. */
public record SnapshotUsage(long size, long inodes) {}
