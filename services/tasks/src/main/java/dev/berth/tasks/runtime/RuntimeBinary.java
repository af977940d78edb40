package dev.berth.tasks.runtime;

import java.nio.file.Path;

/** An OCI runtime binary and the state directory it keeps its containers in (runc --root). */
public record RuntimeBinary(String name, Path binary, Path root) {}
