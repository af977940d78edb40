#!/usr/bin/env bash
# Containers through stock ctr: `ctr run --rm IMAGE id true` latency (median of 20), 20 detached
# starts in a row, monitor RSS per running container and berthd's RSS with 0 and 50 running.
#   bench/tasks.sh
source "$(dirname "$0")/lib.sh"
ctr() { command ctr -a "$sock" -n bench "$@"; }
archive="$bench_work/busybox.tar"
bench_java dev.berth.bench.WriteTestImage "$archive"
ctr images import "$archive" >/dev/null
image=docker.io/library/busybox:latest

ms() { echo "($(date +%s%N) - $1) / 1000000" | bc; }
times=()
for i in $(seq 23); do
  s=$(date +%s%N); ctr run --rm "$image" "rm-$i" true; t=$(ms "$s")
  [ "$i" -gt 3 ] && times+=("$t")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "ctr run --rm IMAGE id true: median ${median} ms over ${#times[@]} runs (target <= 45 ms)"

rss_kb() { ps -o rss= -p "$1" | awk '{s+=$1} END {print s+0}'; }
echo "berthd RSS with 0 running: $(( $(rss_kb "$bench_daemon") / 1024 )) MiB"
s=$(date +%s%N)
for i in $(seq 20); do ctr run -d "$image" "d-$i" sleep 1000 >/dev/null; done
echo "20 detached starts: $(ms "$s") ms (target <= 900 ms)"
for i in $(seq 21 50); do ctr run -d "$image" "d-$i" sleep 1000 >/dev/null; done
conmons=$(pgrep -f "conmon.*$bench_state" | tr '\n' ',' | sed 's/,$//')
total=$(ps -o rss= -p "$conmons" | awk '{s+=$1; n++} END {printf "%d %d", s, n}')
set -- $total
echo "monitor (conmon) RSS per running container: $(( $1 / $2 )) KiB over $2 (target <= 2048 KiB)"
echo "berthd RSS with 50 running: $(( $(rss_kb "$bench_daemon") / 1024 )) MiB"
for i in $(seq 50); do
  ctr task kill -s SIGKILL "d-$i" >/dev/null 2>&1 || true
done
sleep 1
for i in $(seq 50); do
  ctr task rm -f "d-$i" >/dev/null 2>&1 || true
  ctr containers rm "d-$i" >/dev/null 2>&1 || true
done
