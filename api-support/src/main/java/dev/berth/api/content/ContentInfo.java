package dev.berth.api.content;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** What a namespace knows about one blob it holds: the blob itself is shared, these fields are not. */
public record ContentInfo(String digest, long size, Instant createdAt, Instant updatedAt, Map<String, String> labels) {
  public ContentInfo {
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
  }
}
