/**
 * The client library, in the spirit of containerd's Go client: {@link dev.berth.client.BerthClient}
 * and the clients of each API ({@code content}, {@code images}, {@code containers},
 * {@code leases}), plus {@code spec}, building OCI specs from Docker-style values. It depends on
 * api-support alone of Berth's support modules: label keys and value grammars come from
 * {@link dev.berth.api.labels}, shared with the services that read them.
 */
package dev.berth.client;
