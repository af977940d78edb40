/**
 * berthd, the assembly: the one module that depends on the service modules. A Dagger component
 * ({@code BerthdComponent}, a module per service) builds the service groups; {@link
 * dev.berth.daemon.Berthd} serves each on its own socket (and all of them on the front socket),
 * the sockets sharing one set of event loops, and lets the services reach one another through an
 * in-process channel, or the other processes' sockets when the groups run apart.
 */
package dev.berth.daemon;
