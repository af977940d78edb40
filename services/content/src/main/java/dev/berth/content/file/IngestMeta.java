package dev.berth.content.file;

/**
 * The small record kept beside an ingest's data: who it belongs to and what its writer declared.
 * Times are ISO-8601 instants. The offset is not here: it is the data file's length.
 */
record IngestMeta(String namespace, String ref, long total, String expected, String startedAt, String updatedAt) {}
