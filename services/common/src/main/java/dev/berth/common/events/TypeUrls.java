package dev.berth.common.events;

import com.google.protobuf.Any;
import com.google.protobuf.Message;

/**
 * containerd names a protobuf payload in an Any by the message's full name alone (no
 * {@code type.googleapis.com/} prefix); its clients look types up by exactly that string.
 */
public final class TypeUrls {
  private TypeUrls() {}

  public static Any pack(Message message) {
    return Any.newBuilder()
        .setTypeUrl(message.getDescriptorForType().getFullName())
        .setValue(message.toByteString())
        .build();
  }
}
