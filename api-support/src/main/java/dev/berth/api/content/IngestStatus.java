package dev.berth.api.content;

import java.time.Instant;

/**
 * Progress of an unfinished write: {@code offset} bytes received so far, the {@code total} and
 * {@code expected} digest the writer declared (0 and null when it did not).
 */
public record IngestStatus(
    String ref, long offset, long total, String expected, Instant startedAt, Instant updatedAt) {}
