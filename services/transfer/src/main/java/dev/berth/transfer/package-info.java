/**
 * Berth's Transfer API (berth.transfer.v1): images pulled from and pushed to OCI distribution
 * registries. {@link dev.berth.transfer.TransferService} (gRPC, thin) over
 * {@link dev.berth.transfer.Transfers}, whose implementation {@link dev.berth.transfer.RegistryTransfers}
 * speaks HTTP to registries ({@code registry}) and writes only through the other services' APIs:
 * blobs through Content's resumable ingests, records through Images, unpacking through Snapshots
 * and Diff (via the client library's unpacker), all under a lease.
 *
 * <pre>{@code
 * ServerServiceDefinition transfer = ServiceInterceptors.wrap(
 *     new TransferService(new RegistryTransfers(api, RegistryTransfers.DEFAULT_CERTS_DIR)));
 * }</pre>
 */
package dev.berth.transfer;
