package dev.berth.client.build;

import java.util.List;

/** A parsed Dockerfile: its instructions in order and its escape character ({@code # escape=}). */
public record Dockerfile(List<Instruction> instructions, char escape) {
  public Dockerfile {
    instructions = List.copyOf(instructions);
  }
}
