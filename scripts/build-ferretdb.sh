#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend) from the Go module proxy, once.
# The binary is cached outside the repo (SCANDY_CACHE_DIR, default
# ~/.cache/scandy-backup); prints its path on stdout.
#
#   build-ferretdb.sh            build if needed; Go's output goes to the build log only
#   build-ferretdb.sh --verbose  the same, with Go's output on stderr too (CI)
#   build-ferretdb.sh --check    only check that the binary is cached or Go 1.22+ is there
#
# On failure one German line on stderr says what to do (the app shows it as is).
set -euo pipefail

version="v1.24.2"
cache_dir="${SCANDY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/scandy-backup}"
binary="$cache_dir/ferretdb-$version"
log="$cache_dir/ferretdb-build.log"
mode="${1:-}"

if [ -x "$binary" ]; then
  [ "$mode" = "--check" ] || echo "$binary"
  exit 0
fi

go_problem() {
  echo "Für die lokale Datenbank fehlt Go 1.22+ ($1) – Go installieren (https://go.dev/dl/) oder MONGODB_URI auf eine vorhandene MongoDB setzen." >&2
  exit 3
}
command -v go >/dev/null 2>&1 || go_problem "nicht gefunden"
go_version=$(go env GOVERSION 2>/dev/null || true)
if [[ "$go_version" =~ ^go([0-9]+)\.([0-9]+) ]]; then
  major=${BASH_REMATCH[1]}
  minor=${BASH_REMATCH[2]}
  if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 22 ]; }; then go_problem "gefunden: $go_version"; fi
else
  go_problem "gefunden: ${go_version:-unbekannte Version}"
fi
[ "$mode" = "--check" ] && exit 0

mkdir -p "$cache_dir"
: >"$log"
# fd 3: the caller's stderr, for the one line it shows; fd 2: the details, into the log.
exec 3>&2
if [ "$mode" = "--verbose" ]; then
  exec 2> >(tee -a "$log" >&3)
else
  exec 2>>"$log"
fi
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

failed() {
  echo "build-ferretdb: $1" >&2
  echo "Lokale Datenbank (FerretDB $version) konnte nicht gebaut werden – Einzelheiten in $log; oder MONGODB_URI auf eine vorhandene MongoDB setzen." >&3
  exit 1
}
trap 'failed "Befehl fehlgeschlagen (Zeile $LINENO)"' ERR

echo "build-ferretdb: $(date -u +%FT%TZ) FerretDB $version mit $go_version" >&2
download=$(go mod download -json "github.com/FerretDB/FerretDB@$version") || { echo "$download" >&2; failed "go mod download fehlgeschlagen"; }
src=$(echo "$download" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "$download" >&2; failed "Quelltext des Moduls nach dem Download nicht gefunden"; }
cp -r "$src" "$work/src"
chmod -R u+w "$work/src"
# The module zip lacks this file; without it the binary panics at start.
echo "$version" > "$work/src/build/version/version.txt"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$work/ferretdb" ./cmd/ferretdb) >&2
# Another build may run at the same time: each writes its own part file, the rename is atomic.
mv "$work/ferretdb" "$binary.part.$$"
mv -f "$binary.part.$$" "$binary"
echo "build-ferretdb: fertig" >&2
echo "$binary"
