#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend) from the Go module proxy, once.
# The binary is cached outside the repo; prints its path on stdout.
set -euo pipefail

version="v1.24.2"
cache_dir="${SCANDY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/scandy-backup}"
binary="$cache_dir/ferretdb-$version"

if [ -x "$binary" ]; then
  echo "$binary"
  exit 0
fi

command -v go >/dev/null || { echo "build-ferretdb: Go is not installed" >&2; exit 1; }
mkdir -p "$cache_dir"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

src=$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "build-ferretdb: module source not found after download" >&2; exit 1; }
cp -r "$src" "$work/src"
chmod -R u+w "$work/src"
# The module zip lacks this file; without it the binary panics at start.
echo "$version" > "$work/src/build/version/version.txt"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$work/ferretdb" ./cmd/ferretdb) >&2
mv "$work/ferretdb" "$binary.part"
mv "$binary.part" "$binary"
echo "$binary"
