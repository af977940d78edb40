package dev.berth.client.containers;

import dev.berth.api.InvalidValueException;
import dev.berth.client.spec.ResourceFlags;
import java.math.BigDecimal;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Docker reads a resource flag given as zero as not given at all: {@code --memory 0},
 * {@code --memory-swap 0}, {@code --memory-reservation 0}, {@code --kernel-memory 0}, {@code --cpus 0},
 * {@code --cpu-shares 0}, {@code --cpu-quota 0}, {@code --cpu-period 0} set no limit, and
 * {@code --shm-size 0} gives the default 64 MiB (moby's daemon checks each limit only when it is
 * not 0). Scripts rely on it, passing
 * {@code --memory "${MEM:-0}"}; the creator's parsers, which refuse a zero limit, never see one.
 */
final class ZeroResourceFlags {
  private ZeroResourceFlags() {}

  /** Clears each of {@code o}'s resource flags whose value is zero; a value that does not parse is left for the parsers to refuse. */
  static void clear(ContainerOptions o) {
    clearIfZero(o.memory, text -> ResourceFlags.bytes("memory limit", text), v -> o.memory = v);
    clearIfZero(o.memorySwap, text -> ResourceFlags.bytes("memory-swap limit", text), v -> o.memorySwap = v);
    clearIfZero(o.memoryReservation, text -> ResourceFlags.bytes("memory reservation", text),
        v -> o.memoryReservation = v);
    clearIfZero(o.kernelMemory, text -> ResourceFlags.bytes("kernel memory limit", text), v -> o.kernelMemory = v);
    clearIfZero(o.shmSize, text -> ResourceFlags.bytes("shm size", text), v -> o.shmSize = v);
    clearIfZero(o.cpus, text -> new BigDecimal(text).signum(), v -> o.cpus = v);
    clearIfZero(o.cpuShares, Long::parseLong, v -> o.cpuShares = v);
    clearIfZero(o.cpuQuota, Long::parseLong, v -> o.cpuQuota = v);
    clearIfZero(o.cpuPeriod, Long::parseLong, v -> o.cpuPeriod = v);
  }

  private static void clearIfZero(String text, ToLongFunction<String> value, Consumer<String> set) {
    if (text == null) {
      return;
    }
    try {
      if (value.applyAsLong(text) == 0) {
        set.accept(null);
      }
    } catch (InvalidValueException | NumberFormatException e) {
      // refused with its reason where the flag is parsed
    }
  }
}
