#!/usr/bin/env bash
# Where a cold pull's time goes: the 5-layer ~200 MB image of bench/pull.sh pulled (layers
# unpacked) by a berthd started anew on an empty root with --debug, after one small pull as in
# pull.sh. Prints, per run, the Pull call's time, each layer's commit and Diff Apply from berthd's
# call log, berthd's CPU by thread kind (compiler threads: the JIT; VM Thread: mostly garbage
# collection), the collector's pauses and berthd's resident memory after. No Berth/containerd figure: use bench/pull.sh for those.
#   bench/pull-profile.sh [RUNS]      (default 1)
source "$(dirname "$0")/lib.sh"
runs=${1:-1}
registry_dir="$bench_work/registry"
mkdir -p "$registry_dir/storage"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$registry_dir/storage" "$port" > "$registry_dir/config.yml"
docker-registry serve "$registry_dir/config.yml" >"$registry_dir/log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null; wait $registry_pid 2>/dev/null || true; bench_cleanup' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.05; done
bench_java dev.berth.bench.WriteBigImage "$bench_work/big.tar"
ref="127.0.0.1:$port/bench/big:1"
skopeo copy -q --dest-tls-verify=false "oci-archive:$bench_work/big.tar" "docker://$ref"
small="127.0.0.1:$port/bench/busybox:1"
bench_java dev.berth.bench.WriteTestImage "$bench_work/busybox.tar"
skopeo copy -q --dest-tls-verify=false "docker-archive:$bench_work/busybox.tar" "docker://$small"

# "TID CPU_MS NAME" for each of berthd's threads (user + system, in clock ticks of 10 ms)
threads_cpu() { for t in /proc/"$1"/task/*; do echo "${t##*/} $(awk '{print ($14 + $15) * 10}' "$t/stat") $(cat "$t/comm")"; done 2>/dev/null; }
for run in $(seq "$runs"); do
  kill "$bench_daemon"; wait "$bench_daemon" 2>/dev/null || true
  grep -o " $bench_work/root[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$bench_work/root"
  : > "$bench_work/berthd.log"
  BERTH_JAVA_OPTS="-Xlog:gc:file=$bench_work/gc.log ${BERTH_JAVA_OPTS:-}" bin/berthd --debug --root "$bench_work/root" \
    --state "$bench_state" --network-namespace "/run/netns/$bench_netns" 2>>"$bench_work/berthd.log" &
  bench_daemon=$!
  for _ in $(seq 600); do command ctr --connect-timeout 100ms -a "$sock" version >/dev/null 2>&1 && break; sleep 0.02; done
  bench_java dev.berth.bench.PullBench "$sock" "$small" 1 0 "small pull first" >/dev/null
  threads_cpu "$bench_daemon" > "$bench_work/threads-before"
  gc_before=$(wc -l < "$bench_work/gc.log")
  log_from=$(wc -l < "$bench_work/berthd.log")
  echo "== run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  bench_java dev.berth.bench.PullBench "$sock" "$ref" 1 0 "Pull call, cold"
  threads_cpu "$bench_daemon" > "$bench_work/threads-after"
  tail -n +"$((log_from + 1))" "$bench_work/berthd.log" \
    | grep -E 'committed sha256:[0-9a-f]+ \([0-9]{6,} bytes\)|Diff/Apply|Snapshots/Commit|Transfer/Pull' \
    | sed -E 's/^[0-9-]+T([0-9:.]+)Z FINE +/\1 /; s/ in namespace [^ ]+$//; s/namespace=[^ ]+ //'
  echo "berthd's CPU by thread (threads that ended during the pull are left out):"
  awk 'NR == FNR {before[$1] = $2; next} {name = $3; for (i = 4; i <= NF; i++) name = name " " $i
    gsub(/[0-9]+/, "N", name); cpu[name] += $2 - before[$1]} END {for (n in cpu) if (cpu[n] > 0) printf "%7d ms %s\n", cpu[n], n}' \
    "$bench_work/threads-before" "$bench_work/threads-after" | sort -rn | head -12
  tail -n +"$((gc_before + 1))" "$bench_work/gc.log" | awk '/Pause/ {n++; if (/Full/) f++; sub("ms", "", $NF); ms += $NF}
    END {printf "collector: %d pauses (%d full), %.0f ms in all\n", n, f, ms}'
  echo "berthd's resident memory after the pull: $(awk '/VmRSS/ {print $2, $3}' "/proc/$bench_daemon/status")"
done
