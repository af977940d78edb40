#!/usr/bin/env bash
# berthctl as a user runs it: `berthctl run --rm IMAGE true` wall time, and `berthctl ps` with 50
# running containers (median of 10 each, client start-up included).
#   bench/cli.sh
source "$(dirname "$0")/lib.sh"
b() { bin/berthctl --address "$sock" --namespace bench "$@"; }
bench_java dev.berth.bench.WriteTestImage "$bench_work/busybox.tar"
b load -i "$bench_work/busybox.tar" >/dev/null
b --version >/dev/null   # the first run after a build records berthctl's class-data archive

median_ms() {
  local times=() s
  for _ in $(seq 10); do
    s=$(date +%s%N); "$@" >/dev/null; times+=($(( ($(date +%s%N) - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
hello=$(median_ms java -XX:+UseSerialGC -XX:SharedArchiveFile=ctl/target/berthctl.jsa -Xshare:auto \
  -cp "ctl/target/berth-ctl-0.1.0-SNAPSHOT.jar:ctl/target/lib/*" dev.berth.ctl.BerthCtl --version)
echo "berthctl --version (no server call): ${hello} ms"
echo "berthctl run --rm busybox true: $(median_ms b run --rm busybox true) ms (target <= 200 ms)"
for i in $(seq 50); do b run -d --name "ps-$i" busybox sleep 1000 >/dev/null; done
echo "berthctl ps with 50 running: $(median_ms b ps) ms (target <= 150 ms)"
for i in $(seq 50); do b rm -f "ps-$i" >/dev/null; done
