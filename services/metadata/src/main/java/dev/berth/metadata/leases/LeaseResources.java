package dev.berth.metadata.leases;

import containerd.services.leases.v1.Resource;
import dev.berth.api.Digests;
import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;

/**
 * The kinds of resource a lease can hold, with containerd's answers: {@code content} (id: a
 * digest), {@code ingests} (id: an ingest ref) and {@code snapshots/<snapshotter>} (id: a
 * snapshot key). Any other type is UNIMPLEMENTED, which containerd's clients read as "not
 * supported by this daemon" rather than as a bad request.
 */
final class LeaseResources {
  static final String CONTENT = "content";
  static final String INGESTS = "ingests";
  static final String SNAPSHOTS = "snapshots";

  private LeaseResources() {}

  /** Returns {@code resource} if well formed, else throws the status containerd answers. */
  static Resource validate(Resource resource) {
    String type = resource.getType();
    String[] parts = type.split("/", -1);
    switch (parts[0]) {
      case CONTENT, INGESTS -> {
        if (parts.length != 1) {
          throw Errors.invalidArgument("invalid resource type %s", Identifiers.printable(type));
        }
        if (type.equals(CONTENT)) {
          Digests.validate(resource.getId());
        }
      }
      case SNAPSHOTS -> {
        if (parts.length != 2) {
          throw Errors.invalidArgument("invalid snapshot resource type %s: expected snapshots/<snapshotter>",
              Identifiers.printable(type));
        }
        Identifiers.validate("snapshotter", parts[1]);
      }
      default -> throw Errors.unimplemented("resource type %s is not supported", Identifiers.printable(type));
    }
    if (resource.getId().isEmpty()) {
      throw Errors.invalidArgument("%s resource id must not be empty", type);
    }
    return resource;
  }
}
