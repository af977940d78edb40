package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.berth.api.InvalidValueException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Substitution and quoting as Docker's shell lexer (moby's shell.Lex) does them; cases from its test file's kinds. */
class DockerfileWordsTest {
  private static final Map<String, String> VARS = Map.of("V", "value", "EMPTY", "", "SPACED", "a b",
      "PATH_", "/usr/local/lib/file.tar.gz", "STAR", "a*b", "TEMPLATE", "[$0]");
  private static final Function<String, String> LOOKUP = VARS::get;

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "$V|value",
      "${V}|value",
      "x$V.y|xvalue.y",
      "$NONE|''",
      "${NONE:-dflt}|dflt",
      "${EMPTY:-dflt}|dflt",
      "${EMPTY-dflt}|''",
      "${V:-dflt}|value",
      "${V:+alt}|alt",
      "${NONE:+alt}|''",
      "${EMPTY+alt}|alt",
      "'$V'|$V",
      "\"$V\"|value",
      "\\$V|$V",
      "\"\\$V\"|$V",
      "\"a\\nb\"|a\\nb",
      "a\\ b|a b",
      "$|$",
      "${NONE:-$V}|value",
      "${NONE:-'x y'}|x y",
      "${V?}|value",
      "${EMPTY?}|''",
      "${V:?msg}|value",
      "${PATH_#*/}|usr/local/lib/file.tar.gz",
      "${PATH_##*/}|file.tar.gz",
      "${PATH_%.*}|/usr/local/lib/file.tar",
      "${PATH_%%.*}|/usr/local/lib/file",
      "${PATH_#/usr/?ocal}|/lib/file.tar.gz",
      "${PATH_#nomatch}|/usr/local/lib/file.tar.gz",
      "${NONE#x}|''",
      "${V/a/A}|vAlue",
      "${PATH_/l/L}|/usr/Local/lib/file.tar.gz",
      "${PATH_//l/L}|/usr/LocaL/Lib/fiLe.tar.gz",
      "${PATH_/\\/usr\\//}|local/lib/file.tar.gz",
      "${PATH_/l*l/X}|/usr/Xe.tar.gz",
      "${STAR/\\*/-}|a-b",
      "${STAR#a\\*}|b",
      "${V/$NONE/x}|xvalue",
      // every match's replacement is Go's template, as Docker's lexer hands it to ReplaceAllString
      "${V//a/'$0$0'}|vaalue",
      "${V//a/$TEMPLATE}|v[a]lue",
      "${V//a/'${0}'}|value",
      "${V//a/'$1'}|vlue",
      "${V//a/'$0x'}|vlue",
      "${V//a/'$$'}|v$lue",
      "${V//a/$}|v$lue",
      "${V//a/'${0'}|v${0lue",
      "${V//a/\\$0}|v\\alue",
      // the first match's is literal
      "${V/a/'$0'}|v$0lue",
      "${V/a/$TEMPLATE}|v[$0]lue",
      "${V%${V#va}}|va",
      "$$|''",
      "$1x|x",
      "$@@@|@@",
      "${1:-one}|one",
  })
  void oneWord(String text, String expected) {
    assertEquals(expected.equals("''") ? "" : expected, DockerfileWords.word(text, '\\', LOOKUP));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "a b  c|[a, b, c]",
      "A=$SPACED|[A=a, b]",
      "A=\"$SPACED\"|[A=a b]",
      "'' x|[, x]",
      "k=\"v w\" j='$V'|[k=v w, j=$V]",
  })
  void splitWords(String text, String expected) {
    assertEquals(expected, DockerfileWords.split(text, '\\', LOOKUP).toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "C:\\dir `$V|C:\\dir $V",
      "a` b|a b",
  })
  void backtickEscape(String text, String expected) {
    assertEquals(expected, DockerfileWords.word(text, '`', LOOKUP));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "\"open|unexpected end of statement while looking for matching double-quote",
      "'open|unexpected end of statement while looking for matching single-quote",
      "${V|syntax error: missing '}'",
      "${V:-open|syntax error: missing '}'",
      "${}|syntax error: bad substitution",
      "${NONE:?need NONE}|NONE: need NONE",
      "${NONE?}|NONE: is not allowed to be unset",
      "${NONE:?}|NONE: is not allowed to be unset",
      "${EMPTY:?}|EMPTY: is not allowed to be empty",
      "${EMPTY:?say so}|EMPTY: say so",
      "${V:#x}|unsupported modifier (:#) in substitution",
      "${V:%x}|unsupported modifier (:%) in substitution",
      "${V=x}|unsupported modifier (=) in substitution",
      "${V:=x}|unsupported modifier (:=) in substitution",
      "${V:x}|unsupported modifier (:x) in substitution",
      "${V/a|syntax error: missing '/' in ${}",
      "${V/a/b|syntax error: missing '}'",
      "${V#a|syntax error: missing '}'",
      "${V#\\a}|invalid pattern (\\a) in substitution: invalid escape '\\a'",
      "${:-x}|syntax error: bad substitution",
  })
  void refusals(String text, String message) {
    assertEquals(message, assertThrows(InvalidValueException.class,
        () -> DockerfileWords.split(text, '\\', LOOKUP)).getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {"$V|$V", "${V}|${V}"})
  void withoutVariablesADollarIsText(String text, String expected) {
    assertEquals(List.of(expected), DockerfileWords.split(text, '\\', null));
  }

  @Test
  void aPatternOfManyStarsMatchesInLinearTime() {
    // a backtracking matcher took minutes over this (Go's regexp, which Docker's lexer uses, does not backtrack)
    String stars = "*a".repeat(12) + "*b";
    Function<String, String> longValue = name -> "a".repeat(40);
    assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertEquals("a".repeat(40), DockerfileWords.word("${V##" + stars + "}", '\\', longValue)));
  }
}
