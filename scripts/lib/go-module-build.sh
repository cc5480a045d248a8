# Sourced by the build scripts: builds Go commands of one module version from
# the Go module proxy into the cache folder, once.
# go_module_build MODULE VERSION NAME=PACKAGE [NAME=PACKAGE ...]
# Prints the cache folder holding NAME-VERSION binaries.
go_module_build() {
  local module="$1" version="$2"
  shift 2
  local cache_dir="${SCANDY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/scandy-backup}"
  local missing=()
  local target
  for target in "$@"; do
    [ -x "$cache_dir/${target%%=*}-$version" ] || missing+=("$target")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "$cache_dir"
    return 0
  fi
  command -v go >/dev/null || { echo "build: Go is not installed (needed once for $module)" >&2; return 1; }
  mkdir -p "$cache_dir"
  local work
  work=$(mktemp -d)
  local src
  src=$(go mod download -json "$module@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "build: module source of $module@$version not found after download" >&2; rm -rf "$work"; return 1; }
  cp -r "$src" "$work/src"
  chmod -R u+w "$work/src"
  for target in "${missing[@]}"; do
    local name="${target%%=*}" package="${target#*=}"
    (cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$work/$name" "$package") >&2 || { rm -rf "$work"; return 1; }
    mv "$work/$name" "$cache_dir/$name-$version.part"
    mv "$cache_dir/$name-$version.part" "$cache_dir/$name-$version"
  done
  rm -rf "$work"
  echo "$cache_dir"
}
