package dev.berth.ctl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DockerEventsTest {
  private static final Instant AT = Instant.parse("2026-12-02T15:04:05.000000123Z");
  private static final Function<String, Map<String, String>> WEB =
      id -> id.equals("c1") ? Map.of("name", "web", "image", "busybox", "team", "a") : Map.of();
  private static final String BUSYBOX_ID = "sha256:" + "0f".repeat(32);
  private static final UnaryOperator<String> IMAGES =
      name -> name.equals("docker.io/library/busybox:latest") ? BUSYBOX_ID : name;

  private static DockerEvent event(String topic, Map<String, Object> fields) {
    return DockerEvents.of(topic, fields, AT, WEB, IMAGES).orElseThrow();
  }

  @Test
  void theLineSaysTheTimeInTheZoneGivenAsDockersCliSaysItInTheLocalOne() {
    DockerEvent start = event("/tasks/start", Map.of("container_id", "c1", "pid", 7));
    assertEquals("2026-12-02T16:04:05.000000123+01:00 container start c1 (image=busybox, name=web, team=a)",
        start.text(ZoneId.of("Europe/Berlin")));
    assertEquals("2026-12-02T09:34:05.000000123-05:30 container start c1 (image=busybox, name=web, team=a)",
        start.text(ZoneOffset.ofHoursMinutes(-5, -30)));
  }

  @Test
  void taskTopicsAreContainerActionsWithTheContainersAttributes() {
    DockerEvent start = event("/tasks/start", Map.of("container_id", "c1", "pid", 7));
    assertEquals("container", start.type());
    assertEquals("start", start.action());
    assertEquals("c1", start.actorId());
    assertEquals("2026-12-02T15:04:05.000000123Z container start c1 (image=busybox, name=web, team=a)", start.text(ZoneOffset.UTC));

    DockerEvent die = event("/tasks/exit", Map.of("container_id", "c1", "id", "c1", "exit_status", 3));
    assertEquals("die", die.action());
    assertEquals("3", die.attributes().get("exitCode"));
    DockerEvent execDie = event("/tasks/exit", Map.of("container_id", "c1", "id", "e9", "exit_status", 1));
    assertEquals("exec_die", execDie.action());
    assertEquals("e9", execDie.attributes().get("execID"));
    assertEquals("0", event("/tasks/exit", Map.of("container_id", "c1", "id", "c1")).attributes().get("exitCode"));

    assertEquals("pause", event("/tasks/paused", Map.of("container_id", "c1")).action());
    assertEquals("unpause", event("/tasks/resumed", Map.of("container_id", "c1")).action());
    assertEquals("oom", event("/tasks/oom", Map.of("container_id", "c1")).action());
    assertEquals("exec_start", event("/tasks/exec-started", Map.of("container_id", "c1", "exec_id", "e9")).action());
    // containerd's steps inside start and destroy are no events of Docker's
    assertTrue(DockerEvents.of("/tasks/create", Map.of("container_id", "c1"), AT, WEB, IMAGES).isEmpty());
    assertTrue(DockerEvents.of("/tasks/delete", Map.of("container_id", "c1"), AT, WEB, IMAGES).isEmpty());
  }

  @Test
  void execActionsNameTheCommandAsDockersDo() {
    DockerEvent create = event("/tasks/exec-added",
        Map.of("container_id", "c1", "exec_id", "e9", "args", List.of("sh", "-c", "echo hi")));
    assertEquals("exec_create: sh -c echo hi", create.action());
    assertEquals("2026-12-02T15:04:05.000000123Z container exec_create: sh -c echo hi c1 (execID=e9, image=busybox, "
        + "name=web, team=a)", create.text(ZoneOffset.UTC));
    assertEquals("exec_start: sh -c echo hi", event("/tasks/exec-started",
        Map.of("container_id", "c1", "exec_id", "e9", "pid", 8, "args", List.of("sh", "-c", "echo hi"))).action());
    assertEquals("exec_start: sh ", event("/tasks/exec-started",
        Map.of("container_id", "c1", "exec_id", "e9", "args", List.of("sh"))).action(), "Docker's trailing space");
    assertEquals("exec_die", event("/tasks/exit", Map.of("container_id", "c1", "id", "e9", "exit_status", 0)).action());
    assertTrue(EventFilter.parse(List.of("event=exec_create")).matches(create), "the filter names the action alone");
    assertTrue(!EventFilter.parse(List.of("event=exec_start")).matches(create));
  }

  @Test
  void prunesAreDockersPruneEventsNamingNoObject() {
    Function<String, Map<String, String>> noLookUp = id -> {
      throw new AssertionError("a prune names no container to look up: " + id);
    };
    DockerEvent containers = DockerEvents.of("/containers/prune", Map.of("reclaimed", 16384L), AT, noLookUp, IMAGES)
        .orElseThrow();
    assertEquals("2026-12-02T15:04:05.000000123Z container prune  (reclaimed=16384)", containers.text(ZoneOffset.UTC));
    // Docker's omitempty: no id, no from
    assertEquals("{status=prune, Type=container, Action=prune, Actor={ID=, Attributes={reclaimed=16384}}, "
        + "scope=local, time=" + AT.getEpochSecond() + ", timeNano=" + (AT.getEpochSecond() * 1_000_000_000L + 123)
        + "}", containers.json().toString());
    assertEquals("network prune  (reclaimed=0)", textWithoutTime(event("/networks/prune", Map.of())));
    assertEquals("volume prune  (reclaimed=0)", textWithoutTime(event("/volumes/prune", Map.of())),
        "proto3 leaves a zero out of the message");
    assertEquals("volume prune  (reclaimed=2048)", textWithoutTime(event("/volumes/prune", Map.of("reclaimed", 2048L))));
  }

  private static String textWithoutTime(DockerEvent e) {
    return e.text(ZoneOffset.UTC).substring(e.text(ZoneOffset.UTC).indexOf(' ') + 1);
  }

  @Test
  void networkAndVolumeTopicsAreDockersNetworkAndVolumeEvents() {
    String id = "7d3f".repeat(16);
    DockerEvent create = event("/networks/create", Map.of("id", id, "name", "web", "driver", "bridge"));
    assertEquals("2026-12-02T15:04:05.000000123Z network create " + id + " (name=web, type=bridge)", create.text(ZoneOffset.UTC));
    DockerEvent connect = event("/networks/connect",
        Map.of("id", id, "name", "web", "driver", "bridge", "container_id", "c1"));
    assertEquals("network connect " + id + " (container=c1, name=web, type=bridge)",
        connect.text(ZoneOffset.UTC).substring(connect.text(ZoneOffset.UTC).indexOf(' ') + 1));
    assertEquals("disconnect", event("/networks/disconnect",
        Map.of("id", id, "name", "web", "driver", "bridge", "container_id", "c1")).action());
    assertEquals("destroy", event("/networks/delete", Map.of("id", id, "name", "web", "driver", "bridge")).action());
    DockerEvent volume = event("/volumes/create", Map.of("name", "data", "driver", "local"));
    assertEquals("2026-12-02T15:04:05.000000123Z volume create data (driver=local)", volume.text(ZoneOffset.UTC));
    DockerEvent destroyed = event("/volumes/delete", Map.of("name", "data", "driver", "local"));
    assertEquals("destroy", destroyed.action());

    assertTrue(EventFilter.parse(List.of("network=web")).matches(connect));
    assertTrue(EventFilter.parse(List.of("network=7d3f")).matches(connect));
    assertTrue(!EventFilter.parse(List.of("network=db")).matches(connect));
    assertTrue(EventFilter.parse(List.of("type=volume", "volume=data", "event=destroy")).matches(destroyed));
    assertTrue(!EventFilter.parse(List.of("volume=data")).matches(connect));
  }

  @Test
  void containerImageAndOtherTopics() {
    DockerEvent create = event("/containers/create", Map.of("id", "c2", "image", "docker.io/library/alpine:3"));
    assertEquals("create", create.action());
    assertEquals(Map.of("image", "docker.io/library/alpine:3"), create.attributes());
    assertEquals("destroy", event("/containers/delete", Map.of("id", "c1")).action());
    DockerEvent health = event("/containers/health_status", Map.of("id", "c1", "status", "healthy"));
    assertEquals("2026-12-02T15:04:05.000000123Z container health_status: healthy c1 (image=busybox, name=web, team=a)",
        health.text(ZoneOffset.UTC));
    // Docker's own words for what Berth's client library reports
    DockerEvent kill = event("/containers/kill", Map.of("id", "c1", "signal", 15));
    assertEquals("kill", kill.action());
    assertEquals("15", kill.attributes().get("signal"));
    assertEquals("stop", event("/containers/stop", Map.of("id", "c1")).action());
    assertEquals("restart", event("/containers/restart", Map.of("id", "c1")).action());
    assertEquals("update", event("/containers/update-resources", Map.of("id", "c1")).action());
    DockerEvent rename = event("/containers/rename", Map.of("id", "c1", "old_name", "web", "name", "front"));
    assertEquals(Map.of("name", "front", "oldName", "/web", "image", "busybox", "team", "a"), rename.attributes());
    // every change of the record, bookkeeping labels too: no event of Docker's
    assertTrue(DockerEvents.of("/containers/update", Map.of("id", "c1"), AT, WEB, IMAGES).isEmpty());
    DockerEvent tag = event("/images/create", Map.of("name", "docker.io/library/busybox:latest"));
    assertEquals("image", tag.type());
    assertEquals("tag", tag.action());
    // Docker's: by the image's id, the name as people write it
    assertEquals(BUSYBOX_ID, tag.actorId());
    assertEquals(Map.of("name", "busybox:latest"), tag.attributes());
    DockerEvent gone = event("/images/delete", Map.of("name", "registry.example:5000/team/app:1"));
    assertEquals("untag", gone.action(), "a name's removal; the image's delete comes once no name is left");
    assertEquals("registry.example:5000/team/app:1", gone.actorId(), "an image removed since: by its name");
    assertEquals(Map.of("name", "registry.example:5000/team/app:1"), gone.attributes());
    DockerEvent snapshot = event("/snapshot/prepare", Map.of("key", "k1", "parent", "p0", "snapshotter", "overlayfs"));
    assertEquals("snapshot prepare k1", snapshot.type() + " " + snapshot.action() + " " + snapshot.actorId());
    assertEquals(Map.of("parent", "p0", "snapshotter", "overlayfs"), snapshot.attributes());
  }

  @Test
  void jsonHasDockersFields() {
    Map<String, Object> json = event("/tasks/start", Map.of("container_id", "c1")).json();
    assertEquals(List.of("status", "id", "from", "Type", "Action", "Actor", "scope", "time", "timeNano"),
        List.copyOf(json.keySet()));
    assertEquals("start", json.get("status"));
    assertEquals("busybox", json.get("from"));
    assertEquals(List.of("Type", "Action", "Actor", "scope", "time", "timeNano"), List.copyOf(
        event("/snapshot/prepare", Map.of("key", "k1")).json().keySet()), "older fields for containers and images only");
    assertEquals(Map.of("ID", "c1", "Attributes", Map.of("name", "web", "image", "busybox", "team", "a")),
        json.get("Actor"));
    assertEquals("local", json.get("scope"));
    assertEquals(AT.getEpochSecond(), json.get("time"));
    assertEquals(AT.getEpochSecond() * 1_000_000_000L + 123, json.get("timeNano"));
  }

  @Test
  void templatesSeeDockersGoFieldNames() {
    Map<String, Object> view = event("/tasks/exit", Map.of("container_id", "c1", "id", "c1", "exit_status", 2))
        .templateView();
    assertEquals("die c1 busybox container local", view.get("Status") + " " + view.get("ID") + " " + view.get("From")
        + " " + view.get("Type") + " " + view.get("Scope"));
    assertEquals(AT.getEpochSecond(), view.get("Time"));
    assertEquals(Map.of("ID", "c1", "Attributes", Map.of("name", "web", "image", "busybox", "team", "a",
        "exitCode", "2")), view.get("Actor"));
  }

  @Test
  void filtersMatchTypeActionContainerImageAndLabel() {
    DockerEvent start = event("/tasks/start", Map.of("container_id", "c1"));
    assertTrue(EventFilter.parse(List.of("type=container", "event=start", "event=die")).matches(start));
    assertTrue(EventFilter.parse(List.of("container=web")).matches(start));
    assertTrue(EventFilter.parse(List.of("container=c")).matches(start));
    assertTrue(EventFilter.parse(List.of("image=busybox", "label=team=a", "label=team")).matches(start));
    assertTrue(!EventFilter.parse(List.of("type=image")).matches(start));
    // Docker's daemon matches an image's name with or without its tag, an image event's by its id too
    DockerEvent tag = event("/images/create", Map.of("name", "docker.io/library/busybox:latest"));
    for (String image : List.of("busybox", "busybox:latest", BUSYBOX_ID)) {
      assertTrue(EventFilter.parse(List.of("image=" + image)).matches(tag), image);
    }
    assertTrue(!EventFilter.parse(List.of("image=busybox:1")).matches(tag));
    assertTrue(!EventFilter.parse(List.of("image=busybox:latest")).matches(start), "the container's as created");
    assertTrue(!EventFilter.parse(List.of("container=db")).matches(start));
    assertTrue(!EventFilter.parse(List.of("label=team=b")).matches(start));
    assertTrue(!EventFilter.parse(List.of("label=team=a", "label=team=b")).matches(start), "every label must match");
    assertTrue(EventFilter.parse(List.of("container=db", "container=web")).matches(start), "names are alternatives");
    // containerd's own steps only where a type= filter asks for them: Docker has no such types
    DockerEvent snapshot = event("/snapshot/prepare", Map.of("key", "k1"));
    assertTrue(!EventFilter.parse(List.of()).matches(snapshot));
    assertTrue(EventFilter.parse(List.of("type=snapshot")).matches(snapshot));
    assertTrue(EventFilter.parse(List.of()).matches(start));
    // as Docker's daemon, which checks no key: one it does not know filters nothing, an empty value is a value
    assertTrue(EventFilter.parse(List.of("colour=red")).matches(start));
    assertTrue(!EventFilter.parse(List.of("type=")).matches(start));
    assertTrue(EventFilter.parse(List.of("container=")).matches(start), "every id starts with nothing");
    assertTrue(EventFilter.parse(List.of("scope=local")).matches(start));
    assertTrue(!EventFilter.parse(List.of("scope=swarm")).matches(start));
    // container= (as network= and volume=) takes any event whose actor's id or name starts with it, as Docker's
    assertTrue(EventFilter.parse(List.of("container=" + BUSYBOX_ID.substring(0, 10))).matches(tag), "an image event");
    // Docker's #25798: a value naming an action that goes on after a colon makes every value a beginning
    assertTrue(EventFilter.parse(List.of("event=exec_create", "event=st")).matches(start));
    assertTrue(!EventFilter.parse(List.of("event=st")).matches(start));
  }
}
