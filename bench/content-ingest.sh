#!/usr/bin/env bash
# Content ingest throughput: 1 GiB through the Content API over berthd's Unix socket, printed
# beside the machine's floors measured in the same run on the same filesystem.
#   bench/content-ingest.sh [SIZE_MIB]      (default 1024)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
size_mib=${1:-1024}
[ -d services/daemon/target/lib ] && [ -d ctl/target/lib ] || mvn -B -q -ntp -DskipTests package

work=$(mktemp -d /var/tmp/berth-bench.XXXXXX)
state=$(mktemp -d /tmp/berth-bench-run.XXXXXX)
bin/berthd --root "$work/root" --state "$state" 2>"$work/berthd.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$work" "$state"' EXIT
sock="$state/berth.sock"
for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.1; done

input="$work/input"
head -c "${size_mib}M" /dev/urandom > "$input"
sync

seconds() { local s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc -l; }
rate() { echo "scale=0; $size_mib * 1048576 / $1 / 1000000" | bc -l; }

t_sha=$(seconds openssl dgst -sha256 "$input")
t_write=$(seconds dd if="$input" of="$work/copy" bs=1M conv=fsync status=none)
rm -f "$work/copy"
# warm the client JVM once so the figure is the transfer, not class loading
head -c 1M /dev/urandom > "$work/warm"
bin/berthctl --address "$sock" content ingest warm "$work/warm" >/dev/null
t_berth=$(seconds bin/berthctl --address "$sock" content ingest bench-1 "$input")
bin/berthctl --address "$sock" content rm "$(sha256sum "$input" | awk '{print "sha256:"$1}')" >/dev/null
t_ctr=""
if command -v ctr >/dev/null; then
  t_ctr=$(seconds sh -c "ctr -a '$sock' content ingest bench-ctr < '$input'")
fi

printf '%-44s %8s %8s\n' "what (${size_mib} MiB)" "seconds" "MB/s"
printf '%-44s %8.2f %8s\n' "floor: openssl dgst -sha256" "$t_sha" "$(rate "$t_sha")"
printf '%-44s %8.2f %8s\n' "floor: write with fsync (dd conv=fsync)" "$t_write" "$(rate "$t_write")"
printf '%-44s %8.2f %8s\n' "berthctl content ingest (hash+write+fsync)" "$t_berth" "$(rate "$t_berth")"
[ -n "$t_ctr" ] && printf '%-44s %8.2f %8s\n' "ctr content ingest (same berthd)" "$t_ctr" "$(rate "$t_ctr")"
exit 0
