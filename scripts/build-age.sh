#!/usr/bin/env bash
# Builds the reference age tools (filippo.io/age v1.3.2) from the Go module
# proxy, once; cached outside the repo. Prints the folder holding
# age-v1.3.2 and age-keygen-v1.3.2.
set -euo pipefail
. "$(dirname "$0")/lib/go-module-build.sh"
go_module_build filippo.io/age v1.3.2 age=./cmd/age age-keygen=./cmd/age-keygen
