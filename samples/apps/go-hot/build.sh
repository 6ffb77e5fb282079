#!/bin/sh
# Builds toe-go-hot next to this script (or at $1) with the Go toolchain on the host, standard library only (no
# module download): static (CGO_ENABLED=0), reproducible (-trimpath, no VCS stamp), so the image's content hash only
# changes with main.go or the Go version.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
export CGO_ENABLED=0 GO111MODULE=off
exec go build -trimpath -buildvcs=false -ldflags=-buildid= -o "${1:-$here/toe-go-hot}" main.go
