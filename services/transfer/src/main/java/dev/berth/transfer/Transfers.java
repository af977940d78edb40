package dev.berth.transfer;

import dev.berth.transfer.registry.Credentials;
import dev.berth.transfer.registry.Reference;
import java.util.List;

/**
 * Images between registries and this host's stores. Failures are {@link
 * dev.berth.api.grpc.BerthException}s: INVALID_ARGUMENT for a bad reference or platform,
 * NOT_FOUND for an unknown image, repository, tag or platform, PERMISSION_DENIED where the
 * registry refuses the credentials, DATA_LOSS for bytes that do not match their digest (nothing of
 * such a blob is kept), FAILED_PRECONDITION for manifests too big or too deep, UNAVAILABLE for a
 * registry that cannot be reached.
 */
public interface Transfers {
  /** Fetches, stores and (if asked) unpacks the image; writes its record last. */
  Transferred pull(PullOrder order, TransferListener listener);

  /** Uploads what the registry lacks of the image, then its manifests under the destination's tag. */
  Transferred push(PushOrder order, TransferListener listener);

  /** The tags of {@code repository}'s repository on its registry, reached as a pull reaches it. */
  List<String> tags(Reference repository, Credentials credentials, boolean insecure);

  /** Checks credentials against a registry; returns the host they are kept under. */
  String login(String registry, Credentials credentials, boolean insecure);
}
