#!/bin/sh
# Builds toe-demo-hot next to this script (or at $1): static, -O0 with frame pointers, so that perf's frame-pointer
# call graphs see toe_demo_work -> toe_demo_hot_loop (GCC drops a leaf function's frame above -O0).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec gcc -O0 -g -fno-omit-frame-pointer -static -o "${1:-$here/toe-demo-hot}" "$here/main.c"
