package dev.berth.cri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.berth.api.grpc.Errors;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A CRI message as containerd's verbose info prints it: Go's {@code encoding/json} of the struct
 * generated from the proto, so the proto's field names, fields at their zero value left out, enums
 * as their numbers and 64-bit integers as numbers, map keys sorted. Protobuf's own JSON writes
 * enums by name and 64-bit integers as strings, which a {@code jq} filter written against
 * containerd's {@code crictl inspect} (say {@code .info.config.linux.resources.memory_limit_in_bytes
 * > 0} or {@code .namespace_options.pid == 1}) would not match.
 */
final class GoStructJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GoStructJson() {}

  static String of(Message m) {
    try {
      return JSON.writeValueAsString(tree(m));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Errors.internal(e, "cannot print %s as JSON: %s", m.getDescriptorForType().getName(), e.getMessage());
    }
  }

  static ObjectNode tree(Message m) {
    ObjectNode node = NODES.objectNode();
    for (Map.Entry<FieldDescriptor, Object> field : m.getAllFields().entrySet()) {
      FieldDescriptor f = field.getKey();
      if (f.isMapField()) {
        Map<String, JsonNode> sorted = new TreeMap<>();
        for (Object entry : (List<?>) field.getValue()) {
          Message e = (Message) entry;
          FieldDescriptor key = f.getMessageType().findFieldByName("key");
          FieldDescriptor value = f.getMessageType().findFieldByName("value");
          sorted.put(String.valueOf(e.getField(key)), value(value, e.getField(value)));
        }
        node.putObject(f.getName()).setAll(sorted);
      } else if (f.isRepeated()) {
        ArrayNode array = node.putArray(f.getName());
        ((List<?>) field.getValue()).forEach(v -> array.add(value(f, v)));
      } else {
        node.set(f.getName(), value(f, field.getValue()));
      }
    }
    return node;
  }

  private static JsonNode value(FieldDescriptor f, Object v) {
    return switch (f.getJavaType()) {
      case MESSAGE -> tree((Message) v);
      case ENUM -> NODES.numberNode(((EnumValueDescriptor) v).getNumber());
      case INT -> NODES.numberNode((Integer) v);
      // Go's uint64 above Long.MAX_VALUE prints unsigned
      case LONG -> f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64
          ? NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString((Long) v)))
          : NODES.numberNode((Long) v);
      case FLOAT -> NODES.numberNode((Float) v);
      case DOUBLE -> NODES.numberNode((Double) v);
      case BOOLEAN -> NODES.booleanNode((Boolean) v);
      case STRING -> NODES.textNode((String) v);
      case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
    };
  }
}
