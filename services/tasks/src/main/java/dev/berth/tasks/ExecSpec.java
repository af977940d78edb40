package dev.berth.tasks;

import com.google.protobuf.Any;
import dev.berth.tasks.io.ProcessIo;

/** An exec process to add to a running task: its id, stdio and OCI process spec (JSON in an Any). */
public record ExecSpec(String execId, ProcessIo io, Any processSpec) {}
