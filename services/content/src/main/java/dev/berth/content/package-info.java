/**
 * containerd's Content service: {@link dev.berth.content.ContentService} (gRPC, thin) over a
 * {@link dev.berth.api.content.ContentStore}, whose filesystem implementation is
 * {@link dev.berth.content.file.FileContentStore}.
 *
 * <p>Wiring, as berthd does it:
 *
 * <pre>{@code
 * ContentStore store = FileContentStore.create(root, metadataStore,
 *     new GrpcEventPublisher(eventsChannel), metadataChannel); // Namespaces and Leases live there
 * ServerServiceDefinition content = ServiceInterceptors.wrap(new ContentService(store));
 * }</pre>
 *
 * The store keeps its files under {@code root/content} and its records in the given metadata
 * store, which the caller opens and closes.
 */
package dev.berth.content;
