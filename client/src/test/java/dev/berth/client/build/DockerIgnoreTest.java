package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Docker's .dockerignore rules (moby's patternmatcher): the last matching pattern decides, parents count. */
class DockerIgnoreTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      // patterns (; between lines) | path | excluded
      "secret.txt|secret.txt|true",
      "secret.txt|sub/secret.txt|false",
      "/secret.txt|secret.txt|true",
      "*.log|a.log|true",
      "*.log|dir/a.log|false",
      "**/*.log|dir/deep/a.log|true",
      "**/*.log|a.log|true",
      "build|build/out/x|true",
      "build/|build/x|true",
      "*.md;!README.md|README.md|false",
      "*.md;!README.md|CHANGES.md|true",
      "!README.md;*.md|README.md|true",
      "docs;!docs/keep|docs/keep|false",
      "docs;!docs/keep|docs/other|true",
      "a?c|abc|true",
      "a?c|a/c|false",
      "[a-c].txt|b.txt|true",
      "[!a-c].txt|d.txt|false",
      "./tmp/../cache|cache/x|true",
      "# comment;;x|x|true",
      "\\*|*|true",
  })
  void matching(String patterns, String path, boolean excluded) {
    assertEquals(excluded, DockerIgnore.parse(patterns.replace(";", "\n")).excludes(path));
  }
}
