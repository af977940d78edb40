package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.client.InvalidParameterException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageChangesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode applied(String... changes) throws Exception {
    ObjectNode run = (ObjectNode) JSON.readTree("{\"Env\": [\"PATH=/bin\", \"A=1\"], \"Cmd\": [\"sh\"]}");
    ImageChanges.parse(List.of(changes)).applyTo(run);
    return run;
  }

  @Test
  void commandsInJsonOrShellForm() throws Exception {
    assertEquals("[\"httpd\",\"-f\"]", applied("CMD [\"httpd\", \"-f\"]").get("Cmd").toString());
    assertEquals("[\"/bin/sh\",\"-c\",\"echo hi && sleep 1\"]",
        applied("cmd echo hi && sleep 1").get("Cmd").toString());
    assertEquals("[\"/init\"]", applied("ENTRYPOINT [\"/init\"]").get("Entrypoint").toString());
  }

  @Test
  void environmentLabelsPortsVolumesAndTheRest() throws Exception {
    ObjectNode run = applied("ENV A=2 B=\"two words\"", "ENV C spaced value", "LABEL team=web \"tier\"=front",
        "EXPOSE 80 53/udp", "VOLUME /data /logs", "USER nobody", "WORKDIR /srv", "STOPSIGNAL SIGINT");
    assertEquals("[\"PATH=/bin\",\"A=2\",\"B=two words\",\"C=spaced value\"]", run.get("Env").toString());
    assertEquals("{\"team\":\"web\",\"tier\":\"front\"}", run.get("Labels").toString());
    assertEquals("{\"team\":\"web and db\"}", applied("LABEL team web and db").get("Labels").toString());
    assertEquals("{\"80/tcp\":{},\"53/udp\":{}}", run.get("ExposedPorts").toString());
    assertEquals("{\"/data\":{},\"/logs\":{}}", run.get("Volumes").toString());
    assertEquals("nobody /srv SIGINT", run.get("User").asText() + " " + run.get("WorkingDir").asText() + " "
        + run.get("StopSignal").asText());
    assertEquals("{\"/v\":{}}", applied("VOLUME [\"/v\"]").get("Volumes").toString());
  }

  @Test
  void exposeTakesRangesAndAProtocolInAnyCaseAsDockersPortSpecs() throws Exception {
    assertEquals("{\"8000/udp\":{},\"8001/udp\":{},\"8002/udp\":{},\"443/tcp\":{}}",
        applied("EXPOSE 8000-8002/udp 443/TCP").get("ExposedPorts").toString());
    for (String bad : List.of("EXPOSE 80/icmp", "EXPOSE 9-1", "EXPOSE 70000")) {
      assertThrows(InvalidValueException.class, () -> ImageChanges.parse(List.of(bad)), bad);
    }
  }

  @Test
  void quotesAndEscapesAreReadAsDockerfilesAre() throws Exception {
    ObjectNode run = applied("ENV Q='x y'", "ENV R \"a b\" 'c'", "ENV S=it\\'s T=\"say \\\"hi\\\"\" U='a\\b'",
        "LABEL 'k 1'='v 1' k2=\"v\\$2\"");
    assertEquals("[\"PATH=/bin\",\"A=1\",\"Q=x y\",\"R=a b c\",\"S=it's\",\"T=say \\\"hi\\\"\",\"U=a\\\\b\"]",
        run.get("Env").toString());
    assertEquals("{\"k 1\":\"v 1\",\"k2\":\"v$2\"}", run.get("Labels").toString());
  }

  @Test
  void aDockerfilesInstructionIsRefusedInTheBareWordsOfDockersBuilder() {
    for (String[] bad : new String[][] {{"EXPOSE", "80x", "invalid containerPort: 80x"},
        {"EXPOSE", "80/icmp", "invalid proto: icmp"}, {"STOPSIGNAL", "$SIG", "invalid signal: NOPE"},
        {"LABEL", "a=${V", "syntax error: missing '}'"}}) {
      InvalidValueException e = assertThrows(InvalidValueException.class,
          () -> ImageChanges.dockerfile(bad[0], bad[1], '\\', v -> v.equals("SIG") ? "NOPE" : null), bad[1]);
      assertEquals(bad[2], e.getMessage());
    }
  }

  @Test
  void whatDockerRefusesIsRefusedBeforeAnythingIsMade() {
    for (String bad : List.of("CMD", "CMD [\"sh\", 1]", "CMD [oops", "LABEL novalue", "EXPOSE http",
        "ENV =x", "ENV KEY", "ENV Q='x y", "LABEL a=\"b", "STOPSIGNAL SIGNOPE")) {
      InvalidValueException e = assertThrows(InvalidValueException.class, () -> ImageChanges.parse(List.of(bad)), bad);
      assertTrue(e.getMessage().startsWith("invalid --change"), e.getMessage());
    }
  }

  @Test
  void healthcheckAndOnbuildAreTakenAsDockersDaemonTakesThem() throws Exception {
    ObjectNode run = applied("HEALTHCHECK --interval=5s --retries=2 CMD wget -q -O- localhost || exit 1",
        "ONBUILD RUN echo built", "onbuild COPY . /src");
    assertEquals("{\"Test\":[\"CMD-SHELL\",\"wget -q -O- localhost || exit 1\"],\"Interval\":5000000000,"
        + "\"Retries\":2}", run.get("Healthcheck").toString());
    assertEquals("[\"RUN echo built\",\"COPY . /src\"]", run.get("OnBuild").toString());
    assertEquals("{\"Test\":[\"CMD\",\"/probe\",\"-q\"]}",
        applied("HEALTHCHECK CMD [\"/probe\", \"-q\"]").get("Healthcheck").toString());
    assertEquals("{\"Test\":[\"NONE\"]}", applied("HEALTHCHECK NONE").get("Healthcheck").toString());
    assertEquals("{\"Test\":[\"CMD-SHELL\",\"true\"],\"Timeout\":1000000000}",
        applied("HEALTHCHECK --interval=0s --timeout=1s --retries=0 CMD true").get("Healthcheck").toString(),
        "zero values left out, as Docker's JSON (omitempty)");
    // refused in the words of Docker's parser
    for (String[] bad : new String[][] {{"HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments"},
        {"HEALTHCHECK RUN x", "Unknown type \"RUN\" in HEALTHCHECK (try CMD)"},
        {"HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD"},
        {"HEALTHCHECK --retries=-1 CMD x", "--retries cannot be negative (-1)"},
        {"ONBUILD ONBUILD RUN x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"},
        {"ONBUILD FROM busybox", "FROM isn't allowed as an ONBUILD trigger"}}) {
      InvalidValueException e = assertThrows(InvalidValueException.class, () -> ImageChanges.parse(List.of(bad[0])),
          bad[0]);
      assertTrue(e.getMessage().endsWith(": " + bad[1]), e.getMessage());
    }
  }

  @Test
  void anInstructionDockerTakesNoneOfIsRefusedInItsDaemonsWords() {
    for (String bad : List.of("RUN true", "run true", "FROM busybox", "nonsense")) {
      InvalidParameterException e = assertThrows(InvalidParameterException.class,
          () -> ImageChanges.parse(List.of(bad)), bad);
      assertEquals(bad.split(" ")[0] + " is not a valid change command", e.getMessage());
    }
  }
}
