#!/usr/bin/env bash
# berthd back after a crash, beside a private containerd in the same run: with N containers
# running (and one more that exits with 7 while the daemon is down), each daemon is killed with
# SIGKILL and started again. Prints the time until `ctr version` answers, until `ctr task ls`
# shows all N running, whether the outage's exit status was found, and each daemon's RSS and
# descriptors idle and with N running, and content ingest through ctr into both. Idle is measured
# once the start-up work settled.
# With BERTHD_BASELINE set to another built checkout, berthd is then killed and started again
# ROUNDS times more, alternating this checkout's bin/berthd with the baseline's on the same
# containers, and the medians of both are printed: a change against the build before it, in
# one run on a machine whose load comes and goes.
#   bench/restart.sh [N] [ROUNDS]      (default 65 and 5)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/peers.sh"
n=${1:-65}
rounds=${2:-5}
image=docker.io/library/busybox:latest
bctr() { command ctr -a "$sock" -n bench "$@"; }

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
rss_mib() { ps -o rss= -p "$1" | awk '{printf "%.1f", $1 / 1024}'; }
fds() { ls "/proc/$1/fd" | wc -l; }
row() { printf '| %-46s | %10s | %10s | %-10s |\n' "$@"; }
# until_listed CTR: ms until CTR's task ls shows all N running (30 s at most)
until_listed() {
  local s=$1 i
  for i in $(seq 1500); do
    [ "$($2 task ls 2>/dev/null | grep -c RUNNING)" -ge "$n" ] && break
    sleep 0.02
  done
  ms_since "$s"
}
# ender_status CTR: the exit status ctr task rm reports for the container that ended while down
# (ctr 1.6 warns "exit with non-zero exit code N" and exits 0)
ender_status() {
  local out
  out=$($1 task rm ender 2>&1) || true
  [[ $out =~ exit\ code\ ([0-9]+) ]] && echo "${BASH_REMATCH[1]}" || echo "${out:-0}"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
peer_containerd_start
archive="$bench_work/busybox.tar"
bench_java dev.berth.bench.WriteTestImage "$archive"
bctr images import "$archive" >/dev/null
ctd images import "$archive" >/dev/null
sleep 6   # idle: the native heap is trimmed every 5 s
idle_rss_b=$(rss_mib "$bench_daemon"); idle_fds_b=$(fds "$bench_daemon")
idle_rss_c=$(rss_mib "$ctd_pid"); idle_fds_c=$(fds "$ctd_pid")
for i in $(seq "$n"); do
  bctr run -d "$image" "r-$i" sleep 1000 >/dev/null
  ctd run -d "$image" "r-$i" sleep 1000 >/dev/null
  # the first few containers also pay for code compiled and classes loaded once: what each
  # further one costs is measured from here
  if [ "$i" = 5 ]; then warm_rss_b=$(rss_mib "$bench_daemon"); warm_rss_c=$(rss_mib "$ctd_pid"); fi
done
busy_rss_b=$(rss_mib "$bench_daemon"); busy_fds_b=$(fds "$bench_daemon")
busy_rss_c=$(rss_mib "$ctd_pid"); busy_fds_c=$(fds "$ctd_pid")
bctr run -d "$image" ender sh -c 'sleep 2; exit 7' >/dev/null
ctd run -d "$image" ender sh -c 'sleep 2; exit 7' >/dev/null

kill -9 "$bench_daemon" "$ctd_pid"; wait "$bench_daemon" "$ctd_pid" 2>/dev/null || true
sleep 3   # the enders exit meanwhile
s=$(now_ns); berthd_start; up_b=$(ms_since "$s"); listed_b=$(until_listed "$s" bctr)
s=$(now_ns); peer_containerd_start; up_c=$(ms_since "$s"); listed_c=$(until_listed "$s" ctd)
ender_b=$(ender_status bctr); ender_c=$(ender_status ctd)
load=$(cut -d' ' -f1-3 /proc/loadavg)

row "figure ($n containers)" "berthd" "containerd" "target"
row "restart until ctr version answers (ms)" "$up_b" "$up_c" "<= 1000"
row "restart until task ls shows all running (ms)" "$listed_b" "$listed_c" "<= 1000"
row "exit status of one ended while down" "$ender_b" "$ender_c" "7"
row "RSS idle (MiB)" "$idle_rss_b" "$idle_rss_c" "<= 64"
row "RSS per running container (KiB)" \
  "$(echo "($busy_rss_b - $idle_rss_b) * 1024 / $n" | bc)" "$(echo "($busy_rss_c - $idle_rss_c) * 1024 / $n" | bc)" "<= 512"
[ "$n" -le 5 ] || row "RSS per running container after the 5th (KiB)" \
  "$(echo "($busy_rss_b - $warm_rss_b) * 1024 / ($n - 5)" | bc)" "$(echo "($busy_rss_c - $warm_rss_c) * 1024 / ($n - 5)" | bc)" "<= 512"
row "fds idle" "$idle_fds_b" "$idle_fds_c" "<= 64"
row "fds with $n running" "$busy_fds_b" "$busy_fds_c" ""
row "RSS after the restart (MiB)" "$(rss_mib "$bench_daemon")" "$(rss_mib "$ctd_pid")" ""
# ingest throughput must not pay for the smaller daemon
input="$bench_work/ingest"
head -c 256M /dev/urandom > "$input"
s=$(now_ns); bctr content ingest restart-ingest < "$input"; t_b=$(ms_since "$s")
s=$(now_ns); ctd content ingest restart-ingest < "$input"; t_c=$(ms_since "$s")
row "ctr content ingest 256 MiB (MB/s)" "$(( 268435456 / 1000 / t_b ))" "$(( 268435456 / 1000 / t_c ))" ">= 1.5x"
echo "load average at the restart: $load; after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "${BERTHD_BASELINE:-}" ]; then
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  # restart_with TOP: kills berthd, starts TOP's; sets up_ms and listed_ms (not in a $(…): the
  # daemon would hold its pipe open)
  restart_with() {
    kill -9 "$bench_daemon"; wait "$bench_daemon" 2>/dev/null || true
    local s
    s=$(now_ns)
    "$1/bin/berthd" --root "$bench_work/root" --state "$bench_state" --network-namespace "/run/netns/$bench_netns" \
      2>>"$bench_work/berthd.log" &
    bench_daemon=$!
    for _ in $(seq 1500); do command ctr --connect-timeout 100ms -a "$sock" version >/dev/null 2>&1 && break; sleep 0.02; done
    up_ms=$(ms_since "$s")
    listed_ms=$(until_listed "$s" bctr)
  }
  ups_b=() alls_b=() ups_o=() alls_o=()
  for _ in $(seq "$rounds"); do
    restart_with "$BERTHD_BASELINE"; ups_o+=("$up_ms"); alls_o+=("$listed_ms")
    restart_with "$top"; ups_b+=("$up_ms"); alls_b+=("$listed_ms")
  done
  echo "alternating restarts, median of $rounds each (load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
  row "restart until ctr version answers (ms)" "$(median "${ups_b[@]}")" "$(median "${ups_o[@]}")" "this / baseline"
  row "restart until task ls shows all running (ms)" "$(median "${alls_b[@]}")" "$(median "${alls_o[@]}")" "this / baseline"
fi
[ -z "${BENCH_LOG:-}" ] || cp "$bench_work/berthd.log" "$BENCH_LOG"
for i in $(seq "$n"); do
  bctr task kill -s SIGKILL "r-$i" >/dev/null 2>&1 || true; ctd task kill -s SIGKILL "r-$i" >/dev/null 2>&1 || true
done
