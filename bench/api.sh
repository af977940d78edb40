#!/usr/bin/env bash
# Latency at the gRPC API over berthd's Unix socket: image import (busybox cold and warm, a
# synthetic 5-layer ~200 MB image), snapshot operations, network attach/detach.
#   bench/api.sh
source "$(dirname "$0")/lib.sh"
echo "== image import (targets: busybox cold <= 60 ms)"
bench_java dev.berth.bench.ImageImportBench "$sock" 20
echo "== snapshot operations (target: each < 2 ms)"
bench_java dev.berth.bench.SnapshotOpsBench "$sock" 500
echo "== network (targets: attach <= 5 ms, detach <= 30 ms)"
bench_java dev.berth.bench.NetworkAttachBench "$sock" 100
