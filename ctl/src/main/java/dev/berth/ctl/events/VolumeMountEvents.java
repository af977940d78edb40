package dev.berth.ctl.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The volume events Docker's daemon logs around a container's run, which no service of Berth's
 * publishes: a {@code mount} of each of its volumes as it starts (before its {@code start}), an
 * {@code unmount} of each as it is cleaned up after its exit (before its {@code die}).
 */
public final class VolumeMountEvents {
  /** A volume a container mounts, as its record describes it (inspect's Mounts). */
  public record VolumeMount(String name, String driver, String destination, boolean readWrite, String propagation) {}

  private VolumeMountEvents() {}

  /** The volumes among the mounts a container's record describes (Docker's MountPoints). */
  public static List<VolumeMount> of(JsonNode described) {
    List<VolumeMount> volumes = new ArrayList<>();
    if (described != null) {
      for (JsonNode m : described) {
        if (m.path("Type").asText().equals("volume")) {
          volumes.add(new VolumeMount(m.path("Name").asText(), m.path("Driver").asText("local"),
              m.path("Destination").asText(), m.path("RW").asBoolean(true), m.path("Propagation").asText("")));
        }
      }
    }
    return volumes;
  }

  /** Docker's volume events that come just before {@code event} of a container with {@code volumes}. */
  public static List<DockerEvent> before(DockerEvent event, List<VolumeMount> volumes) {
    if (!event.type().equals("container") || !(event.action().equals("start") || event.action().equals("die"))) {
      return List.of();
    }
    boolean start = event.action().equals("start");
    List<DockerEvent> events = new ArrayList<>();
    for (VolumeMount v : volumes) {
      Map<String, String> attributes = new TreeMap<>();
      attributes.put("container", event.actorId());
      attributes.put("driver", v.driver());
      if (start) {
        attributes.put("destination", v.destination());
        attributes.put("propagation", v.propagation());
        attributes.put("read/write", Boolean.toString(v.readWrite()));
      }
      events.add(new DockerEvent("volume", start ? "mount" : "unmount", v.name(), new TreeMap<>(attributes),
          event.time()));
    }
    return events;
  }
}
