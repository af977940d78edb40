/**
 * What every side of Berth's API shares, clients included; no server code, no database. The
 * client library and berthctl depend on this module alone of Berth's support (the build refuses
 * them berth-common, sqlite-jdbc and grpc-services).
 *
 * <ul>
 *   <li>{@link dev.berth.api.grpc}: channels to berthd's sockets, header names, message limits,
 *       errors with their status codes;
 *   <li>{@link dev.berth.api.labels}: the label keys clients write on containers and the services
 *       read ({@code io.berth.*}, {@code containerd.io/*}), with the grammars of their values
 *       (restart policy, port mappings, extra hosts, lists), written once;
 *   <li>{@link dev.berth.api.filter}: containerd's filter syntax;
 *   <li>here: digests, identifiers and {@link dev.berth.api.InvalidValueException}.
 * </ul>
 */
package dev.berth.api;
