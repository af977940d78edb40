package dev.berth.client.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import dev.berth.client.ClientException;
import java.io.IOException;

/**
 * A {@link Spec} as the bytes runc reads ({@code config.json}) and as the Any the Containers API
 * carries: containerd's clients put the spec's JSON in an Any named {@link #TYPE_URL}, and read
 * one back from it.
 */
public final class SpecJson {
  /** The type URL containerd registers for the OCI runtime spec. */
  public static final String TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Spec";

  /** Map keys sorted, so one spec always gives the same bytes. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private SpecJson() {}

  /**
   * The spec of {@code record} as a JSON tree, for changes to the few fields a command edits
   * while leaving the rest (fields {@link Spec} does not model, another client's) as they are.
   */
  public static ObjectNode tree(Container record) {
    try {
      if (JSON.readTree(record.getSpec().getValue().toByteArray()) instanceof ObjectNode tree) {
        return tree;
      }
      throw new ClientException("the spec of container " + record.getId() + " is not a JSON object");
    } catch (IOException e) {
      throw new ClientException("the spec of container " + record.getId() + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  /** A spec {@link #tree} gave, changed, or a part of one, as JSON bytes. */
  public static byte[] bytes(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new ClientException("cannot write the spec: " + e.getMessage(), e);
    }
  }

  public static byte[] toBytes(Spec spec) {
    try {
      return JSON.writeValueAsBytes(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the runtime spec as JSON", e);
    }
  }

  /** Reads a spec, keeping only the fields {@link Spec} models. */
  public static Spec fromBytes(byte[] json) {
    try {
      Spec spec = JSON.readValue(json, Spec.class);
      if (spec == null) {
        throw new ClientException("the runtime spec is JSON null");
      }
      return spec;
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ClientException("the runtime spec is not valid: " + detail, e);
    }
  }

  /** The Any a container record's {@code spec} field holds. */
  public static Any toAny(Spec spec) {
    return Any.newBuilder().setTypeUrl(TYPE_URL).setValue(ByteString.copyFrom(toBytes(spec))).build();
  }

  public static Spec fromAny(Any any) {
    return fromBytes(specBytes(any));
  }

  /**
   * The spec's {@code process} alone, what an exec starts from: the rest (mounts, namespaces, the
   * seccomp profile's hundreds of rules) is skipped unread, and the process read without data binding.
   */
  public static Spec.Process processOf(Any any) {
    try (JsonParser p = JSON.createParser(specBytes(any))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ClientException("the runtime spec is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean process = p.currentName().equals("process");
        p.nextToken();
        if (process && p.currentToken() == JsonToken.START_OBJECT) {
          return ProcessJson.read(p);
        }
        p.skipChildren();
      }
      throw new ClientException("the runtime spec has no process");
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ClientException("the runtime spec is not valid: " + detail, e);
    }
  }

  /** A process spec as the JSON the Tasks API's exec carries. */
  public static byte[] processJson(Spec.Process process) {
    return ProcessJson.write(process);
  }

  private static byte[] specBytes(Any any) {
    if (!TYPE_URL.equals(any.getTypeUrl())) {
      throw new ClientException("the container's spec is a " + any.getTypeUrl() + ", not an OCI runtime spec");
    }
    return any.getValue().toByteArray();
  }
}
