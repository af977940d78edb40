#!/usr/bin/env bash
# Garbage collection: 1,000 unreferenced blobs and 200 snapshots removed by one synchronous
# collection, and the longest wait of concurrent Content.Info/Read calls meanwhile, beside the
# same calls' longest wait without a collection (the floor).
#   bench/gc.sh [BLOBS] [SNAPSHOTS]
source "$(dirname "$0")/lib.sh"
echo "== garbage collection (target: readers wait at most a few ms longer than the floor)"
bench_java dev.berth.bench.GcBench "$sock" "${1:-1000}" "${2:-200}"
