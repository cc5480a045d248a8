#!/usr/bin/env bash
# Builds the Versity S3 Gateway v1.8.0 (a real S3 server for the tests) from the
# Go module proxy, once; cached outside the repo. Prints the binary's path.
set -euo pipefail
. "$(dirname "$0")/lib/go-module-build.sh"
version="v1.8.0"
dir=$(go_module_build github.com/versity/versitygw "$version" versitygw=./cmd/versitygw)
echo "$dir/versitygw-$version"
