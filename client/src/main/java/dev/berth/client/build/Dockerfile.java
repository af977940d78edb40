package dev.berth.client.build;

import java.util.List;

/**
 * A parsed Dockerfile: its instructions in order, its escape character ({@code # escape=}), and
 * the warnings Docker's parser gives about it, which its builder prints before the first step.
 */
public record Dockerfile(List<Instruction> instructions, char escape, List<String> warnings) {
  public Dockerfile {
    instructions = List.copyOf(instructions);
    warnings = List.copyOf(warnings);
  }
}
