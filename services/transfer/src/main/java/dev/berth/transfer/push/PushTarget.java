package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Platform;
import java.util.List;
import java.util.Optional;

/**
 * What a push sends of an image, chosen as Docker 27's daemon chooses it (moby's pushRef and
 * getPushDescriptor): the target as it is; with a platform asked for, that platform's manifest;
 * and, when the target is an index that cannot go for content neither here nor on the registry,
 * the one manifest of it here whole (of several, the host's), which {@link #replacedIndex} then
 * names the index of.
 *
 * @param descriptor the manifest or index to push, under the destination's tag
 * @param replacedIndex the image's index when {@code descriptor} is one of its manifests chosen
 *     for lack of the others, else empty
 */
record PushTarget(Descriptor descriptor, String replacedIndex) {
  /** The image's target whole. */
  static PushTarget whole(Descriptor target) {
    return new PushTarget(target, "");
  }

  /**
   * The manifest here whole whose config names {@code platform}, matched strictly once both are
   * in containerd's canonical form (containerd's platforms.OnlyStrict: {@code linux/arm} is
   * arm/v7 and no other variant).
   *
   * @throws dev.berth.api.grpc.BerthException NOT_FOUND for a platform no manifest here has,
   *     FAILED_PRECONDITION where several have it
   */
  static PushTarget forPlatform(Blobs content, Descriptor target, Platform platform) {
    List<ManifestsHere.Available> candidates = ManifestsHere.under(content, target).available().stream()
        .filter(m -> !m.attestation() && platform.matchesStrictly(m.platform()))
        .toList();
    if (candidates.isEmpty()) {
      throw Errors.notFound("no suitable image manifest found for platform %s", platform);
    }
    if (candidates.size() > 1) {
      throw Errors.failedPrecondition("multiple manifests found for platform %s", platform);
    }
    return new PushTarget(candidates.get(0).descriptor(), "");
  }

  /**
   * For an index that could not be pushed whole, the one manifest of it to push instead: the only
   * one here whole, or of several this host's; empty where there is none, or where everything the
   * index lists is here so that the index is all there is to push.
   *
   * @throws dev.berth.api.grpc.BerthException FAILED_PRECONDITION where several manifests are here
   *     whole, others are not, and none is this host's
   */
  static Optional<PushTarget> narrowed(Blobs content, Descriptor index) {
    ManifestsHere here = ManifestsHere.under(content, index);
    List<ManifestsHere.Available> candidates = here.available().stream().filter(m -> !m.attestation()).toList();
    if (candidates.isEmpty() || !here.anyMissing()) {
      return Optional.empty();
    }
    if (candidates.size() == 1) {
      return Optional.of(new PushTarget(candidates.get(0).descriptor(), index.digest()));
    }
    Platform host = Platform.current();
    return Optional.of(candidates.stream().filter(m -> host.matches(m.platform())).findFirst()
        .map(m -> new PushTarget(m.descriptor(), index.digest()))
        .orElseThrow(() -> Errors.failedPrecondition(
            "multiple matching manifests found but no specific platform requested")));
  }
}
