#!/usr/bin/env bash
# berthctl as a user runs it (client start-up included), next to the JVM's floor (`java -version`)
# and to podman (its own root) measured interleaved in the same run: median of RUNS each, the
# ratio and the issue's target (`logs` of a long log among them), then `berthctl ps` with 50
# running containers.
#   bench/cli.sh [RUNS]      (default 10)
# BERTHCTL_BASELINE=DIR also times the berthctl of another checkout or copy (DIR/bin/berthctl with
# its DIR/ctl/target: the build before a change) against the same berthd, interleaved with this
# checkout's, in a "before" column.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/peers.sh"
runs=${1:-10}
image=docker.io/library/busybox:latest
baseline=${BERTHCTL_BASELINE:-}
b() { bin/berthctl --address "$sock" --namespace bench "$@"; }
before() { "$baseline/bin/berthctl" --address "$sock" --namespace bench "$@"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
archive="$bench_work/busybox.tar"
bench_java dev.berth.bench.WriteTestImage "$archive"
b load -i "$archive" >/dev/null
pod load -q -i "$archive" >/dev/null
pod tag localhost/busybox:latest "$image"   # podman names an archive's short tag localhost/…
b run -d --name cli-c "$image" sleep 1000 >/dev/null
pod run -d --name cli-c "$image" sleep 1000 >/dev/null
# berthctl's start-up caches, made against this berthd as a user's later runs would have them
for home in "$top" ${baseline:+"$baseline"}; do
  berthctl_caches "$home" "$sock"
done

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
row() { # row FIGURE BERTH PEER TARGET [BEFORE]
  if [ -n "$baseline" ]; then
    printf '| %-46s | %7s | %7s | %6s | %7s | %6s | %-8s |\n' "$1" "$2 ms" "$3 ms" "$(ratio "$2" "$3")x" \
      "$5 ms" "$(ratio "$5" "$3")x" "$4"
  else
    printf '| %-46s | %7s | %7s | %6s | %-8s |\n' "$1" "$2 ms" "$3 ms" "$(ratio "$2" "$3")x" "$4"
  fi
}
# pair FIGURE TARGET BERTH_CMD PEER_CMD: alternating (with the baseline's, if any), RUNS times
# each, after one warm-up of each; BERTH_CMD starts with "b ", which the baseline runs as "before "
pair() {
  local figure=$1 target=$2 a=$3 p=$4 ta=() tp=() tb=() s
  local o="before ${a#b }"
  eval "$a" >/dev/null 2>&1 || true
  eval "$p" >/dev/null 2>&1 || true
  [ -z "$baseline" ] || eval "$o" >/dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    s=$(now_ns); eval "$a" >/dev/null 2>&1 || echo "failed: $a" >&2; ta+=("$(ms_since "$s")")
    s=$(now_ns); eval "$p" >/dev/null 2>&1 || echo "failed: $p" >&2; tp+=("$(ms_since "$s")")
    if [ -n "$baseline" ]; then
      s=$(now_ns); eval "$o" >/dev/null 2>&1 || echo "failed: $o" >&2; tb+=("$(ms_since "$s")")
    fi
  done
  row "$figure" "$(median "${ta[@]}")" "$(median "${tp[@]}")" "$target" "$([ -z "$baseline" ] || median "${tb[@]}")"
}

if [ -n "$baseline" ]; then
  printf '| %-46s | %7s | %7s | %6s | %7s | %6s | %-8s |\n' figure Berth peer ratio before ratio target
  printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" "---------" "---------" "--------" "---------" "--------" "----------"
else
  printf '| %-46s | %7s | %7s | %6s | %-8s |\n' figure Berth peer ratio target
  printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" "---------" "---------" "--------" "----------"
fi
pair "berthctl --help / java -version" "<= 2x" "b --help" "java -version"
pair "berthctl version / java -version" "<= 2x" "b version" "java -version"
pair "berthctl ps / java -version (1 running)" "<= 2x" "b ps" "java -version"
pair "berthctl version / podman version" "" "b version" "pod version"
pair "berthctl ps / podman ps (1 running)" "" "b ps" "pod ps"
pair "berthctl exec c true / podman exec c true" "<= 1x" "b exec cli-c true" "pod exec cli-c true"
pair "berthctl run --rm busybox true / podman run --rm" "<= 1x" "b run --rm $image true" "pod run --rm $image true"
# a long log: 200,000 lines of 57 bytes (11 MB), printed to a pipe
lines='i=0; while [ $i -lt 200000 ]; do echo "line $i of the log with some padding text here ......"; i=$((i+1)); done'
b run --name cli-log "$image" sh -c "$lines" >/dev/null
pod run --name cli-log "$image" sh -c "$lines" >/dev/null
pair "berthctl logs / podman logs (200,000 lines)" "<= 1x" "b logs cli-log | cat" "pod logs cli-log | cat"
b rm -f cli-c cli-log >/dev/null
pod rm -f -t 0 cli-c cli-log >/dev/null
for i in $(seq 50); do b run -d --name "ps-$i" "$image" sleep 1000 >/dev/null; done
times=() times_before=()
for _ in $(seq "$runs"); do
  s=$(now_ns); b ps >/dev/null; times+=("$(ms_since "$s")")
  if [ -n "$baseline" ]; then s=$(now_ns); before ps >/dev/null; times_before+=("$(ms_since "$s")"); fi
done
echo "berthctl ps with 50 running: $(median "${times[@]}") ms${baseline:+ (before: $(median "${times_before[@]}") ms)}"
for i in $(seq 50); do b rm -f "ps-$i" >/dev/null; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
