/**
 * Server-side support every service shares, never on a client's class path. A service is built
 * as server, domain, store: its gRPC service class (thin: messages in and out) over a domain
 * object holding the rules, over a store of records in the metadata database.
 *
 * <ul>
 *   <li>{@link dev.berth.common.grpc}: the Unix-socket server with its shared event loops and the
 *       interceptors (request context, error mapping, call logging, namespace registration);
 *   <li>{@link dev.berth.common.store}: the SQLite {@code MetadataStore} (transactions,
 *       migrations), the {@code Sql} statement helper, labels as stored and containerd's label
 *       field-mask rules ({@code LabelMask});
 *   <li>{@link dev.berth.common.time}: the one conversion between stored times and protobuf
 *       Timestamps;
 *   <li>{@link dev.berth.common.events}, {@link dev.berth.common.leases}: publishing events and
 *       recording lease resources through the metadata services;
 *   <li>{@link dev.berth.common.fs}, {@link dev.berth.common.log}: file trees and logging set-up.
 * </ul>
 */
package dev.berth.common;
