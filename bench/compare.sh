#!/usr/bin/env bash
# Berth next to its peers, measured interleaved in one run on this machine: berthctl against
# podman (its own root), berthd against a private containerd through the same stock ctr. Prints
# one table (median of RUNS, ratio Berth/peer, the issue's target) and the load average.
#   bench/compare.sh [RUNS]      (default 10)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/peers.sh"
runs=${1:-10}
image=docker.io/library/busybox:latest
b() { bin/berthctl --address "$sock" --namespace bench "$@"; }
bctr() { command ctr -a "$sock" -n bench "$@"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
peer_containerd_start
archive="$bench_work/busybox.tar"
bench_java dev.berth.bench.WriteTestImage "$archive"
b load -i "$archive" >/dev/null
ctd images import "$archive" >/dev/null
pod load -q -i "$archive" >/dev/null
pod tag localhost/busybox:latest "$image"   # podman names an archive's short tag localhost/…
b run -d --name cmp-ps "$image" sleep 1000 >/dev/null
pod run -d --name cmp-ps "$image" sleep 1000 >/dev/null
# berthctl's start-up caches, made against this berthd (so they hold the classes of a call to it,
# and ps's those of a running container's row)
berthctl_caches "$PWD" "$sock"

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { # row FIGURE BERTH PEER UNIT TARGET
  local ratio
  ratio=$(echo "scale=2; $2 / $3" | bc -l 2>/dev/null || echo "-")
  printf '| %-52s | %9s | %9s | %6s | %-10s |\n' "$1" "$2 $4" "$3 $4" "${ratio}x" "$5"
}
# pair FIGURE TARGET BERTH_CMD PEER_CMD: the two commands alternate, RUNS times each, after one
# warm-up of each; {i} in a command is replaced by the run's number.
pair() {
  local figure=$1 target=$2 a=$3 p=$4 ta=() tp=() s i
  eval "${a//\{i\}/w}" >/dev/null 2>&1 || true
  eval "${p//\{i\}/w}" >/dev/null 2>&1 || true
  for i in $(seq "$runs"); do
    s=$(now_ns); eval "${a//\{i\}/$i}" >/dev/null 2>&1 || echo "failed: ${a//\{i\}/$i}" >&2; ta+=("$(ms_since "$s")")
    s=$(now_ns); eval "${p//\{i\}/$i}" >/dev/null 2>&1 || echo "failed: ${p//\{i\}/$i}" >&2; tp+=("$(ms_since "$s")")
  done
  row "$figure" "$(median "${ta[@]}")" "$(median "${tp[@]}")" ms "$target"
}
rss_kb() { ps -o rss= -p "$1" | awk '{s+=$1} END {print s+0}'; }
fds() { ls "/proc/$1/fd" | wc -l; }

floor=()
for _ in $(seq "$runs"); do s=$(now_ns); java -version >/dev/null 2>&1; floor+=("$(ms_since "$s")"); done
java_floor=$(median "${floor[@]}")

printf '| %-52s | %9s | %9s | %6s | %-10s |\n' "figure" "Berth" "peer" "ratio" "target"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "-----------" "-----------" "--------" "------------"
row "berthctl --help / java -version" "$(median $(for _ in $(seq "$runs"); do s=$(now_ns); b --help >/dev/null; ms_since "$s"; done))" "$java_floor" ms "<= 2x"
pair "berthctl version / podman version" "<= 2x floor" "b version" "pod version"
pair "berthctl ps / podman ps (1 running)" "<= 2x floor" "b ps" "pod ps"
pair "berthctl exec c true / podman exec c true" "<= 1x" "b exec cmp-ps true" "pod exec cmp-ps true"
pair "berthctl run --rm busybox true / podman run --rm" "<= 1x" "b run --rm $image true" "pod run --rm $image true"
b rm -f cmp-ps >/dev/null
pod rm -f -t 0 cmp-ps >/dev/null
pair "ctr run --rm IMAGE id true: berthd / containerd" "<= 0.5x" \
  "bctr run --rm $image rr-{i} true" "ctd run --rm $image rr-{i} true"
pair "ctr images import busybox (present)" "<= 0.5x" \
  "bctr images import $archive" "ctd images import $archive"

idle_berth=$(rss_kb "$bench_daemon"); idle_ctd=$(rss_kb "$ctd_pid")
fds_berth=$(fds "$bench_daemon"); fds_ctd=$(fds "$ctd_pid")
s=$(now_ns); for i in $(seq 20); do bctr run -d "$image" "d-$i" sleep 1000 >/dev/null; done; t_berth=$(ms_since "$s")
s=$(now_ns); for i in $(seq 20); do ctd run -d "$image" "d-$i" sleep 1000 >/dev/null; done; t_ctd=$(ms_since "$s")
row "20 x ctr run -d: berthd / containerd" "$t_berth" "$t_ctd" ms "<= 0.5x"
row "daemon RSS idle: berthd / containerd" "$((idle_berth / 1024))" "$((idle_ctd / 1024))" MiB "<= 64 MiB"
row "daemon fds idle: berthd / containerd" "$fds_berth" "$fds_ctd" "" "<= 64"
busy_berth=$(rss_kb "$bench_daemon"); busy_ctd=$(rss_kb "$ctd_pid")
row "daemon RSS per running container (20)" "$(( (busy_berth - idle_berth) / 20 ))" "$(( (busy_ctd - idle_ctd) / 20 ))" KiB "<= 512 KiB"
conmons=$(pgrep -d, -f "conmon.*$bench_state" || true)
shims=$(pgrep -d, -f "containerd-shim.*$ctd_dir" || pgrep -d, -f "containerd-shim-runc-v2.*-namespace bench" || true)
mon_berth=$(( $(ps -o rss= -p "$conmons" | awk '{s+=$1} END {print s+0}') / 20 ))
mon_ctd=$(( $(ps -o rss= -p "$shims" | awk '{s+=$1} END {print s+0}') / 20 ))
row "monitor RSS per container: conmon / containerd shim" "$mon_berth" "$mon_ctd" KiB "<= 0.3x"

for i in $(seq 21 65); do bctr run -d "$image" "d-$i" sleep 1000 >/dev/null; ctd run -d "$image" "d-$i" sleep 1000 >/dev/null; done
kill -9 "$bench_daemon"; wait "$bench_daemon" 2>/dev/null || true
s=$(now_ns); berthd_start; t_berth=$(ms_since "$s")
kill -9 "$ctd_pid"; wait "$ctd_pid" 2>/dev/null || true
s=$(now_ns); peer_containerd_start; t_ctd=$(ms_since "$s")
row "restart with 65 containers until ctr answers" "$t_berth" "$t_ctd" ms "<= 1000 ms"
running=$(bctr task ls | grep -c RUNNING || true)
echo "  (berthd knows $running of 65 tasks as running after the restart)"
for i in $(seq 65); do
  bctr task kill -s SIGKILL "d-$i" >/dev/null 2>&1 || true; ctd task kill -s SIGKILL "d-$i" >/dev/null 2>&1 || true
done

input="$bench_work/ingest"
head -c 512M /dev/urandom > "$input"
s=$(now_ns); bctr content ingest cmp-ingest < "$input"; t_berth=$(ms_since "$s")
s=$(now_ns); ctd content ingest cmp-ingest < "$input"; t_ctd=$(ms_since "$s")
row "ctr content ingest 512 MiB (MB/s, higher is better)" "$(( 536870912 / 1000 / t_berth ))" "$(( 536870912 / 1000 / t_ctd ))" "" ">= 1.5x"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
