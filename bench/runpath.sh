#!/usr/bin/env bash
# berthd's run path against a private containerd, both driven by the same stock ctr, interleaved
# in one run: `ctr run --rm IMAGE id true` (median of RUNS), 20 x `ctr run -d` (median of ROUNDS,
# everything removed between rounds, untimed) and `ctr images import` of busybox already present
# (median of RUNS). With BERTH_BASELINE=DIR (another built checkout) a second berthd from DIR runs
# in the same interleaving, for before/after figures. WARMUP=N untimed runs --rm first (default 1;
# a berthd that has served a while has its hot code compiled, a new one compiles it meanwhile).
# Prints medians, ratios and the load average.
#   bench/runpath.sh [RUNS] [ROUNDS]   (default 15 and 3)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/peers.sh"
runs=${1:-15}
rounds=${2:-3}
image=docker.io/library/busybox:latest
bctr() { command ctr -a "$sock" -n bench "$@"; }

base_state=""
base_pid=""
if [ -n "${BERTH_BASELINE:-}" ]; then
  base_state=$(mktemp -d /tmp/bbase.XXXXXX)
  base_netns="berth-base-$$"
  ip netns add "$base_netns"
  "$BERTH_BASELINE/bin/berthd" --root "$bench_work/base-root" --state "$base_state" \
    --network-namespace "/run/netns/$base_netns" 2>>"$bench_work/base.log" &
  base_pid=$!
  for _ in $(seq 600); do command ctr --connect-timeout 100ms -a "$base_state/berth.sock" version >/dev/null 2>&1 && break; sleep 0.05; done
fi
basectr() { command ctr -a "$base_state/berth.sock" -n bench "$@"; }
base_cleanup() {
  [ -n "$base_pid" ] || return 0
  for id in $(basectr task ls -q 2>/dev/null); do basectr task kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  sleep 0.5
  for id in $(basectr task ls -q 2>/dev/null); do basectr task rm -f "$id" >/dev/null 2>&1 || true; done
  for id in $(basectr containers ls -q 2>/dev/null); do basectr containers rm "$id" >/dev/null 2>&1 || true; done
  kill "$base_pid" 2>/dev/null || true
  wait "$base_pid" 2>/dev/null || true
  ip netns del "$base_netns" 2>/dev/null || true
  grep -o " $base_state[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$base_state"
}
trap 'base_cleanup; peers_cleanup' EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
peer_containerd_start
archive="$bench_work/busybox.tar"
bench_java dev.berth.bench.WriteTestImage "$archive"
daemons=(bctr ctd)
[ -n "$base_pid" ] && daemons+=(basectr)
for d in "${daemons[@]}"; do $d images import "$archive" >/dev/null; done

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A t
# timed D LABEL CMD...: runs CMD with D's ctr, adds the milliseconds to t[LABEL.D]
timed() {
  local d=$1 label=$2 s; shift 2
  s=$(now_ns); "$d" "$@" >/dev/null 2>&1 || echo "failed: $d $*" >&2
  t[$label.$d]+="$(ms_since "$s") "
}
clear_all() {
  local d=$1
  for id in $($d task ls -q 2>/dev/null); do $d task kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  sleep 0.3
  for id in $($d task ls -q 2>/dev/null); do $d task rm -f "$id" >/dev/null 2>&1 || true; done
  for id in $($d containers ls -q 2>/dev/null); do $d containers rm "$id" >/dev/null 2>&1 || true; done
}
detached20() {
  local d=$1 r=$2 s
  s=$(now_ns)
  for i in $(seq 20); do $d run -d "$image" "d$r-$i" sleep 1000 >/dev/null || echo "failed: $d run -d d$r-$i" >&2; done
  t[detached.$d]+="$(ms_since "$s") "
  clear_all "$d"
}

for w in $(seq "${WARMUP:-1}"); do
  for d in "${daemons[@]}"; do $d run --rm "$image" "warm-$w" true >/dev/null 2>&1 || true; done
done
for i in $(seq "$runs"); do
  for d in "${daemons[@]}"; do timed "$d" run run --rm "$image" "rr-$i" true; done
  for d in "${daemons[@]}"; do timed "$d" import images import "$archive"; done
done
for r in $(seq "$rounds"); do
  for d in "${daemons[@]}"; do detached20 "$d" "$r"; done
done

row() { # row FIGURE LABEL TARGET
  local b c ratio
  b=$(median ${t[$2.bctr]}); c=$(median ${t[$2.ctd]})
  ratio=$(echo "scale=2; $b / $c" | bc -l)
  printf '| %-40s | %7s ms | %7s ms | %5sx | %-7s |' "$1" "$b" "$c" "$ratio" "$3"
  if [ -n "$base_pid" ]; then
    local o; o=$(median ${t[$2.basectr]})
    printf ' %7s ms | %5sx |' "$o" "$(echo "scale=2; $o / $c" | bc -l)"
  fi
  echo
}
printf '| %-40s | %10s | %10s | %6s | %-7s |' figure berthd containerd ratio target
[ -n "$base_pid" ] && printf ' %10s | %6s |' baseline ratio
echo
row "ctr run --rm IMAGE id true" run "<= 0.5x"
row "20 x ctr run -d" detached "<= 0.5x"
row "ctr images import busybox (present)" import "<= 0.5x"
echo "(medians: $runs runs, $rounds rounds of 20, after ${WARMUP:-1} untimed runs)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
