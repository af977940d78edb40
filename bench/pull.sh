#!/usr/bin/env bash
# Pull of a 5-layer image of about 200 MB from Debian's docker-registry on 127.0.0.1: berthctl pull
# (berthd's Transfer API, layers unpacked) next to ctr images pull --plain-http into a private
# containerd (unpacked too), interleaved in one run. Cold: each daemon on an empty root, started
# anew for every run and given one small pull (busybox) first, as a daemon that has served before;
# warm: everything already there. Also the Pull call alone, cold and warm, without berthctl's JVM
# start-up (a running client's view). Prints medians of RUNS and the ratio Berth/containerd.
#   bench/pull.sh [RUNS]      (default 3)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/peers.sh"
runs=${1:-3}
b() { bin/berthctl --address "$sock" --namespace bench "$@"; }
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$1/stat"; }   # user + system, in clock ticks of 10 ms
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { # row FIGURE BERTH PEER UNIT TARGET
  printf '| %-44s | %9s | %9s | %6s | %-12s |\n' "$1" "$2 $4" "$3 $4" "$(echo "scale=2; $2 / $3" | bc -l)x" "$5"
}

registry_dir="$bench_work/registry"
mkdir -p "$registry_dir/storage"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$registry_dir/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $registry_dir/storage
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$registry_dir/config.yml" >"$registry_dir/log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null; wait $registry_pid 2>/dev/null || true; peers_cleanup' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.05; done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_java dev.berth.bench.WriteBigImage "$bench_work/big.tar"
ref="127.0.0.1:$port/bench/big:1"
skopeo copy -q --dest-tls-verify=false "oci-archive:$bench_work/big.tar" "docker://$ref"
small="127.0.0.1:$port/bench/busybox:1"
bench_java dev.berth.bench.WriteTestImage "$bench_work/busybox.tar"
skopeo copy -q --dest-tls-verify=false "docker-archive:$bench_work/busybox.tar" "docker://$small"
du -sh "$registry_dir/storage" | awk '{print "image on the registry: " $1 " (5 gzip layers of random bytes)"}'

# each cold run on an empty root: the daemon stopped, its root removed, started again
berthd_fresh() {
  kill "$bench_daemon"; wait "$bench_daemon" 2>/dev/null || true
  grep -o " $bench_work/root[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$bench_work/root"
  berthd_start
}
containerd_fresh() {
  peer_containerd_stop
  rm -rf "$ctd_dir/root"
  peer_containerd_start
}
peer_containerd_start
berthctl_caches "$PWD" "$sock"   # berthctl's start-up caches, as a user's later runs have them

cold_b=(); cold_c=(); cold_rpc=(); cold_cpu=(); warm_b=(); warm_c=()
for _ in $(seq "$runs"); do
  berthd_fresh
  bench_java dev.berth.bench.PullBench "$sock" "$small" 1 0 x >/dev/null
  c=$(cpu_ms "$bench_daemon")
  cold_rpc+=("$(bench_java dev.berth.bench.PullBench "$sock" "$ref" 1 0 x | awk '{for (i=1;i<NF;i++) if ($i=="median") print int($(i+1))}')")
  cold_cpu+=("$(( $(cpu_ms "$bench_daemon") - c ))")
  berthd_fresh
  b pull -q "$small" >/dev/null
  s=$(now_ns); b pull -q "$ref" >/dev/null; cold_b+=("$(ms_since "$s")")
  containerd_fresh
  ctd images pull --plain-http "$small" >/dev/null
  s=$(now_ns); ctd images pull --plain-http "$ref" >/dev/null; cold_c+=("$(ms_since "$s")")
done
for _ in $(seq "$runs"); do
  s=$(now_ns); b pull -q "$ref" >/dev/null; warm_b+=("$(ms_since "$s")")
  s=$(now_ns); ctd images pull --plain-http "$ref" >/dev/null; warm_c+=("$(ms_since "$s")")
done
floor=(); for _ in $(seq "$runs"); do s=$(now_ns); b version >/dev/null; floor+=("$(ms_since "$s")"); done

printf '| %-44s | %9s | %9s | %6s | %-12s |\n' "figure" "Berth" "containerd" "ratio" "target"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "-----------" "-----------" "--------" "--------------"
row "pull 5 layers ~200 MB, cold (berthctl / ctr)" "$(median "${cold_b[@]}")" "$(median "${cold_c[@]}")" ms "<= 0.7x"
row "pull, cold (Pull call alone / ctr)" "$(median "${cold_rpc[@]}")" "$(median "${cold_c[@]}")" ms "<= 0.7x"
row "pull, warm (berthctl / ctr)" "$(median "${warm_b[@]}")" "$(median "${warm_c[@]}")" ms "<= 50 ms"
echo "berthd's CPU (user + system) for the cold Pull call: $(median "${cold_cpu[@]}") ms, less noisy than its time on a shared machine"
echo "berthctl version (its start-up and one call, part of every berthctl figure): $(median "${floor[@]}") ms"
bench_java dev.berth.bench.PullBench "$sock" "$ref" 20 5 "Pull call alone, warm (everything present)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
