/**
 * containerd's metadata services, wired together by {@link dev.berth.metadata.MetadataServices}:
 * Namespaces, Images, Leases, Events, Version and Introspection. Each subpackage is one
 * service, shaped server, domain, store: a gRPC service class (e.g. {@code ImagesService}) over
 * its store ({@code ImageStore}), which keeps records in the shared metadata database and holds
 * the rules; events go through one in-process bus.
 */
package dev.berth.metadata;
