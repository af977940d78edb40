#!/usr/bin/env bash
# Pulls from a registry on 127.0.0.1 (Debian's docker-registry, storage in the bench's temporary
# directory): a 5-layer image of about 200 MB (random data and text files, gzip layers), pulled by
# stock `ctr images pull --plain-http` into berthd and into a private containerd, interleaved in one
# run. Cold: nothing of the image in the daemon (image, snapshots and blobs removed untimed before
# each run); warm: everything present. Prints medians, ratios and the load average.
#   bench/ctr-pull.sh [RUNS]  (default 3 cold and 5 warm runs of each)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/peers.sh"
runs=${1:-3}
bctr() { command ctr -a "$sock" -n bench "$@"; }

registry_dir="$bench_work/registry"
registry_pid=""
registry_stop() {
  [ -n "$registry_pid" ] || return 0
  kill "$registry_pid" 2>/dev/null || true
  wait "$registry_pid" 2>/dev/null || true
  registry_pid=""
}
trap 'registry_stop; peers_cleanup' EXIT

# Starts docker-registry on a free port of 127.0.0.1 and sets $registry to 127.0.0.1:PORT.
registry_start() {
  mkdir -p "$registry_dir"
  local port
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n' \
      "$registry_dir/storage" "$port" > "$registry_dir/config.yml"
    docker-registry serve "$registry_dir/config.yml" >>"$registry_dir/registry.log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 200); do
      if curl -fs -o /dev/null "http://127.0.0.1:$port/v2/"; then registry="127.0.0.1:$port"; return 0; fi
      kill -0 "$registry_pid" 2>/dev/null || break
      sleep 0.05
    done
    registry_stop   # the port was taken: another one
  done
  cat "$registry_dir/registry.log" >&2; echo "docker-registry did not start" >&2; exit 1
}

# Writes an OCI image layout of LAYERS gzip layers to DIR, each a 32 MiB file of random bytes and
# 200 text files of 32 KiB (base64), tagged "1".
make_image() {
  local dir=$1 layers=$2 blobs="$1/blobs/sha256" tmp="$bench_work/image-build" i f
  local descriptors="" diff_ids=""
  mkdir -p "$blobs" "$tmp"
  blob() { local d; d=$(sha256sum "$1" | cut -d' ' -f1); mv "$1" "$blobs/$d"; echo "$d"; }
  for i in $(seq "$layers"); do
    rm -rf "$tmp/root"; mkdir -p "$tmp/root/layer$i/text"
    head -c 32M /dev/urandom > "$tmp/root/layer$i/random.bin"
    for f in $(seq 200); do head -c 24K /dev/urandom | base64 > "$tmp/root/layer$i/text/$f.txt"; done
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/root" -cf "$tmp/layer.tar" .
    diff_ids+="\"sha256:$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)\","
    gzip -n -6 "$tmp/layer.tar"
    local size; size=$(stat -c %s "$tmp/layer.tar.gz")
    descriptors+="{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$(blob "$tmp/layer.tar.gz")\",\"size\":$size},"
  done
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "${diff_ids%,}" > "$tmp/config"
  local config_size; config_size=$(stat -c %s "$tmp/config")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$(blob "$tmp/config")" "$config_size" "${descriptors%,}" > "$tmp/manifest"
  local manifest_size; manifest_size=$(stat -c %s "$tmp/manifest")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' \
    "$(blob "$tmp/manifest")" "$manifest_size" > "$dir/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  rm -rf "$tmp"
}

# Removes the image, its snapshots (children before parents) and its blobs through CTR, so the
# next pull starts from nothing; containerd's garbage collector may take some itself meanwhile.
forget() {
  local ctr=$1 left
  $ctr images rm "$ref" >/dev/null 2>&1 || true
  for _ in $(seq 10); do
    left=$($ctr snapshots ls | awk 'NR > 1 {print $1}')
    [ -z "$left" ] && break
    for s in $left; do $ctr snapshots rm "$s" >/dev/null 2>&1 || true; done
  done
  for d in $($ctr content ls -q); do $ctr content rm "$d" >/dev/null 2>&1 || true; done
  if [ -n "$($ctr content ls -q)$($ctr snapshots ls | awk 'NR > 1')" ]; then
    echo "could not empty the daemon before a cold pull ($ctr)" >&2; exit 1
  fi
}

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed_pull() { # timed_pull CTR: prints the milliseconds a pull of $ref took
  local s; sync; s=$(now_ns)
  # ctr logs the cancelled progress checks of a finished pull; its output is kept for a failure
  $1 images pull --plain-http "$ref" >"$bench_work/pull.log" 2>&1 || { cat "$bench_work/pull.log" >&2; exit 1; }
  ms_since "$s"
}
row() { # row FIGURE BERTHD CONTAINERD
  printf '| %-40s | %10s | %10s | %6s |\n' "$1" "$2 ms" "$3 ms" "$(echo "scale=2; $2 / $3" | bc -l)x"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
peer_containerd_start
registry_start
make_image "$bench_work/image" 5
skopeo --insecure-policy copy --quiet --preserve-digests --dest-tls-verify=false \
  "oci:$bench_work/image:1" "docker://$registry/bench/layered:1"
ref="$registry/bench/layered:1"
image_mb=$(du -sm "$bench_work/image/blobs" | cut -f1)
rm -rf "$bench_work/image"

# the floor: the blobs as the registry serves them, fetched one after another
s=$(now_ns)
for d in $(curl -fs -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$registry/v2/bench/layered/manifests/1" \
    | grep -o 'sha256:[0-9a-f]\{64\}'); do
  curl -fs -o /dev/null "http://$registry/v2/bench/layered/blobs/$d"
done
floor=$(ms_since "$s")

cold_b=(); cold_c=(); warm_b=(); warm_c=()
for _ in $(seq "$runs"); do
  forget bctr; cold_b+=("$(timed_pull bctr)")
  forget ctd; cold_c+=("$(timed_pull ctd)")
done
for _ in $(seq $((runs + 2))); do
  warm_b+=("$(timed_pull bctr)")
  warm_c+=("$(timed_pull ctd)")
done

echo "image: 5 gzip layers, $image_mb MB of blobs; ctr images pull --plain-http from 127.0.0.1"
printf '| %-40s | %10s | %10s | %6s |\n' "figure (median)" "berthd" "containerd" "ratio"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" "------------" "------------" "--------"
row "cold: nothing present ($runs runs)" "$(median "${cold_b[@]}")" "$(median "${cold_c[@]}")"
row "warm: all present ($((runs + 2)) runs)" "$(median "${warm_b[@]}")" "$(median "${warm_c[@]}")"
echo "floor: curl of every blob from the registry: $floor ms"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
