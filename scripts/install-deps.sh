#!/usr/bin/env bash
# Installs what building, running and testing Berth needs on Debian 12, as root. Idempotent.
set -euo pipefail
packages=(
  openjdk-17-jdk-headless maven   # build
  containerd                      # only for /usr/bin/ctr, the reference client; its daemon is never started
  runc crun conmon                # OCI runtimes and the per-container monitor
  nftables libnftables1 iproute2  # networking
  busybox-static curl tini        # the tests' image, the HTTP client network tests use, --init's init
  python3                         # the network tests send a raw router advertisement from a container
  libssl3                         # libcrypto: SHA-256 of blobs (dev.berth.linux.LibCryptoSha256)
  openssl bc                      # benchmark floors and arithmetic
  docker-registry skopeo          # the registry pull/push tests and benchmarks talk to (never started as a service)
  apache2-utils                   # htpasswd -B: the registry's basic-auth file (bcrypt only)
  procps                          # ps, which berthctl top CONTAINER [ps OPTIONS] runs as docker top does
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the containerd and docker-registry packages from starting their daemons
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
