#!/usr/bin/env bash
# Garbage collection: 1,000 unreferenced blobs and 200 snapshots removed by one synchronous
# collection, and the longest wait of concurrent Content.Info/Read calls meanwhile, beside the
# same calls' longest wait without a collection (the floor).
#   bench/gc.sh [BLOBS] [SNAPSHOTS]
source "$(dirname "$0")/lib.sh"
echo "== garbage collection (target: readers wait at most a few ms longer than the floor)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_java dev.berth.bench.GcBench "$sock" "${1:-1000}" "${2:-200}"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
