#!/bin/sh
# Writes the commit a module is built from and the build's time to FILE (a properties file in
# the module's classes), for `berthctl version` and the Version API: run by Maven at
# process-resources. Outside a git checkout the commit is "unknown".
set -eu
file=$1
# short, as Docker's version shows its commits
commit=$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null) || commit=unknown
mkdir -p "$(dirname "$file")"
printf 'revision=%s\nbuilt=%s\n' "$commit" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$file"
