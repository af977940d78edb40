package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.Platform;
import java.util.List;

/**
 * What a push sends of an image, chosen as Docker 27's daemon chooses it (moby's pushRef and
 * getPushDescriptor): the target whole when everything it names is here; a platform's manifest
 * when one is asked for; and for an index pulled for fewer platforms than it lists, the one
 * manifest here (of several, the host's), which {@link #replacedIndex} then names the index of.
 *
 * @param descriptor the manifest or index to push, under the destination's tag
 * @param replacedIndex the image's index when {@code descriptor} is one of its manifests chosen
 *     for lack of the others, else empty
 */
record PushTarget(Descriptor descriptor, String replacedIndex) {
  /**
   * {@code platform} null: none asked for. {@code wholeOnly}: the target or nothing, as ctr pushes
   * (Berth's --all-platforms).
   *
   * @throws dev.berth.api.grpc.BerthException NOT_FOUND for a platform no manifest here has,
   *     FAILED_PRECONDITION where several would do and none is the one to take
   */
  static PushTarget choose(Blobs content, Descriptor target, Platform platform, boolean wholeOnly) {
    if (platform == null && (wholeOnly || !MediaTypes.isIndex(target.mediaType()))) {
      return new PushTarget(target, "");
    }
    ManifestsHere here = ManifestsHere.under(content, target);
    if (platform == null && !here.anyMissing()) {
      return new PushTarget(target, "");
    }
    List<ManifestsHere.Available> candidates = here.available().stream()
        .filter(m -> !m.attestation() && (platform == null || platform.matches(m.platform())))
        .toList();
    if (platform != null) {
      if (candidates.isEmpty()) {
        throw Errors.notFound("no suitable image manifest found for platform %s", platform);
      }
      if (candidates.size() > 1) {
        throw Errors.failedPrecondition("multiple manifests found for platform %s", platform);
      }
      return new PushTarget(candidates.get(0).descriptor(), "");
    }
    if (candidates.isEmpty()) {
      // nothing here to narrow to: the whole target goes, and fails naming what is missing
      return new PushTarget(target, "");
    }
    if (candidates.size() == 1) {
      return new PushTarget(candidates.get(0).descriptor(), target.digest());
    }
    Platform host = Platform.current();
    return candidates.stream().filter(m -> host.matches(m.platform())).findFirst()
        .map(m -> new PushTarget(m.descriptor(), target.digest()))
        .orElseThrow(() -> Errors.failedPrecondition(
            "multiple matching manifests found but no specific platform requested"));
  }
}
