#!/usr/bin/env bash
# Content ingest throughput: 1 GiB through the Content API over berthd's Unix socket, printed
# beside the machine's floors measured in the same run on the same filesystem.
#   bench/content-ingest.sh [SIZE_MIB]      (default 1024)
source "$(dirname "$0")/lib.sh"
size_mib=${1:-1024}
input="$bench_work/input"
head -c "${size_mib}M" /dev/urandom > "$input"
sync

seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc -l; }
rate() { echo "scale=0; $size_mib * 1048576 / $1 / 1000000" | bc -l; }

t_sha=$(seconds openssl dgst -sha256 "$input")
t_write=$(seconds dd if="$input" of="$bench_work/copy" bs=1M conv=fsync status=none)
rm -f "$bench_work/copy"
# start-up of the client JVM is measured apart, so the figure is the transfer
head -c 1M /dev/urandom > "$bench_work/warm"
t_start=$(seconds bin/berthctl --address "$sock" content ingest warm "$bench_work/warm")
t_berth=$(seconds bin/berthctl --address "$sock" content ingest bench-1 "$input")
bin/berthctl --address "$sock" content rm "sha256:$(sha256sum "$input" | awk '{print $1}')" >/dev/null
t_ctr=$(seconds sh -c "ctr -a '$sock' content ingest bench-ctr < '$input'")

printf '%-50s %8s %8s\n' "what (${size_mib} MiB)" "seconds" "MB/s"
printf '%-50s %8.2f %8s\n' "floor: openssl dgst -sha256" "$t_sha" "$(rate "$t_sha")"
printf '%-50s %8.2f %8s\n' "floor: write with fsync (dd conv=fsync)" "$t_write" "$(rate "$t_write")"
printf '%-50s %8.2f %8s\n' "berthctl content ingest (incl. JVM start)" "$t_berth" "$(rate "$t_berth")"
t_net=$(echo "$t_berth - $t_start" | bc -l)
printf '%-50s %8.2f %8s\n' "berthctl content ingest (less a 1 MiB ingest)" "$t_net" "$(rate "$t_net")"
printf '%-50s %8.2f %8s\n' "ctr content ingest (same berthd)" "$t_ctr" "$(rate "$t_ctr")"
