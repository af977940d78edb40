/**
 * Benchmarks of berthd's operations through its API (image import, snapshot operations, network
 * attachment), run as plain programs given a berthd socket; each prints median and
 * 99th-percentile timings.
 */
package dev.berth.bench;
